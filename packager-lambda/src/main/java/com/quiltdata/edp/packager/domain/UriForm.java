package com.quiltdata.edp.packager.domain;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.quiltdata.edp.domain.S3Url;
import com.quiltdata.edp.packager.domain.PackageRequest.MetadataSource;
import com.quiltdata.edp.packager.domain.PackageRequest.NamedObject;
import com.quiltdata.edp.packager.domain.PackageRequest.WhenEmpty;
import java.util.Optional;

/** The Packaging Service's form: {@code {"uri": "s3://bucket/prefix?k=v"}}, its query parameters the metadata. */
final class UriForm {
    private UriForm() {}

    static boolean matches(ObjectNode node) {
        return node.has("uri");
    }

    static PackageRequest parse(ObjectNode node) {
        String uri = JsonFields.text(node, "uri").orElseThrow(() -> new InvalidRequestException("uri must be a string"));
        S3Url url = PackageRequests.sourceUrl(uri);
        ObjectNode meta = JsonNodeFactory.instance.objectNode();
        url.queryParameters().forEach(meta::put);
        MetadataSource metadata = meta.isEmpty() ? new MetadataSource.FolderDefault() : new MetadataSource.Given(meta);
        String path = url.decodedPath();
        PackageRequest asFolder = PackageRequests.ofFolder(url.bucket(), PackageRequests.asFolder(path), uri, metadata,
                Optional.empty());
        if (path.isEmpty() || path.endsWith("/")) {
            return asFolder;
        }
        // s3://bucket/key may name a folder (the Packaging Service's documented form) or the object that
        // just arrived (its S3 rule example): the packager tries the folder first, then the object's folder
        PackageRequest objectsFolder = PackageRequests.ofFolder(url.bucket(), PackageRequests.folderOf(path), uri, metadata,
                Optional.empty());
        return PackageRequests.withEmptiness(asFolder, WhenEmpty.REJECT, Optional.of(new NamedObject(path, objectsFolder)));
    }
}
