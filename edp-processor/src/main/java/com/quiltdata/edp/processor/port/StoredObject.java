package com.quiltdata.edp.processor.port;

import java.time.Instant;

/** One object listed under the pulled prefix (latest version). */
public record StoredObject(String key, long size, String etag, Instant lastModified, String storageClass) {}
