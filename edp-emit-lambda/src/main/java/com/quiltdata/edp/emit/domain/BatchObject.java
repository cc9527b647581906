package com.quiltdata.edp.emit.domain;

import java.time.Instant;

/** One key a batch touched, with the newest event seen for it in the batch: the ready filter's input. */
public record BatchObject(String key, Long size, String etag, String versionId, Instant eventTime, boolean deleted) {}
