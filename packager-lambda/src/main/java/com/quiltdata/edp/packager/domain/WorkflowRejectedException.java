package com.quiltdata.edp.packager.domain;

import com.quiltdata.edp.packager.RejectedException;
import java.util.List;

/** The registry's workflow refused the package (or its configuration is unusable): nothing is written. */
public final class WorkflowRejectedException extends RejectedException {
    private final String workflow;
    private final List<String> errors;

    public WorkflowRejectedException(String workflow, String message, List<String> errors) {
        super(message);
        this.workflow = workflow;
        this.errors = List.copyOf(errors);
    }

    public WorkflowRejectedException(String workflow, String message) {
        this(workflow, message, List.of());
    }

    public String workflow() {
        return workflow;
    }

    public List<String> errors() {
        return errors;
    }
}
