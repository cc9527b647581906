package com.quiltdata.edp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/** cfn-lint, the standard CloudFormation linter (with its SAM transform), has nothing to say about template.yaml. */
class CfnLintTest {

    @Test
    void templateHasNoCfnLintErrorsOrWarnings() {
        // Given cfn-lint in the default python3
        assumeTrue(Python.withModule("cfnlint"),
                "cfn-lint is not installed in " + Python.INTERPRETER + "; skipping (pip install cfn-lint to run this test)");

        // When it lints the template (exit code: 0 clean, bit 2 errors, bit 4 warnings, bit 8 informational)
        Python.Result result = Python.run(Repository.root(), 300, Python.INTERPRETER, "-c",
                "import sys; from cfnlint.runner import main; sys.argv = ['cfn-lint', 'template.yaml']; sys.exit(main())");

        // Then it reports nothing
        assertEquals(0, result.exitCode(), "cfn-lint template.yaml must be clean:\n" + result.describe());
    }
}
