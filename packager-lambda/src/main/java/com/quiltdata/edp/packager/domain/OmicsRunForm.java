package com.quiltdata.edp.packager.domain;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.quiltdata.edp.domain.S3Url;
import com.quiltdata.edp.observe.Bounded;
import com.quiltdata.edp.packager.domain.PackageRequest.MetadataSource;
import java.util.Optional;

/** An {@code aws.omics} run status event: a COMPLETED run's {@code runOutputUri} folder; any other status asks for nothing. */
final class OmicsRunForm {
    static final String FORM = "omics";

    private OmicsRunForm() {}

    static boolean matches(String source) {
        return source.equals("aws.omics");
    }

    static ParsedMessage parse(ObjectNode detail) {
        String status = JsonFields.text(detail, "status").orElse("");
        if (!status.equals("COMPLETED")) {
            return ParsedMessage.ignored(FORM, "run status is " + Bounded.text(status) + ", not COMPLETED");
        }
        String output = JsonFields.text(detail, "runOutputUri")
                .orElseThrow(() -> new InvalidRequestException("aws.omics event without runOutputUri"));
        S3Url url = PackageRequests.sourceUrl(output);
        return ParsedMessage.of(PackageRequests.ofFolder(url.bucket(), PackageRequests.asFolder(url.decodedPath()), output,
                new MetadataSource.FolderDefault(), Optional.empty()), FORM);
    }
}
