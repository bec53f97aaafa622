// Prints each test file as it starts, so a CI log shows progress from the first second (jest's
// default reporter prints a file only when it finishes, and the first take a minute or two).
class ProgressReporter {
    onRunStart(results) {
        process.stderr.write(`jest: ${results.numTotalTestSuites} test files\n`);
    }
    onTestStart(test) {
        process.stderr.write(`jest: started ${require("path").relative(process.cwd(), test.path)}\n`);
    }
}
module.exports = ProgressReporter;
