package com.quiltdata.edp.emit.port;

import com.quiltdata.edp.emit.domain.ThresholdRules;

/** Where a tick gets the thresholds it applies: the stack's defaults, or those with the rules file over them. */
public interface ThresholdSource {

    /** The thresholds to apply now; never fails (a source that cannot read its file keeps what it had). */
    ThresholdRules current();

    /** Always the same thresholds (no rules file). */
    static ThresholdSource fixed(ThresholdRules rules) {
        return () -> rules;
    }
}
