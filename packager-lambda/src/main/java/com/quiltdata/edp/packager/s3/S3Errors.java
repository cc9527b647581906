package com.quiltdata.edp.packager.s3;

import com.quiltdata.edp.packager.RejectedException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Maps the S3 errors that retrying cannot fix to {@link RejectedException}; others stay retryable. */
final class S3Errors {
    private S3Errors() {}

    static RuntimeException map(S3Exception e, String what) {
        if (e.statusCode() == 403) {
            return new RejectedException("access denied: " + what + " (" + errorCode(e) + ")", e);
        }
        if (e.statusCode() == 404 && "NoSuchBucket".equals(errorCode(e))) {
            return new RejectedException("no such bucket: " + what, e);
        }
        return e;
    }

    static boolean notFound(S3Exception e) {
        return e.statusCode() == 404;
    }

    static String errorCode(S3Exception e) {
        return e.awsErrorDetails() == null ? String.valueOf(e.statusCode()) : e.awsErrorDetails().errorCode();
    }

    /** S3 lists an unversioned object's version as the literal "null": no version to pin. */
    static String version(String versionId) {
        return versionId == null || versionId.isEmpty() || versionId.equals("null") ? null : versionId;
    }
}
