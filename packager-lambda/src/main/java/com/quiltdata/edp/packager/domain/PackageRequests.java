package com.quiltdata.edp.packager.domain;

import com.quiltdata.edp.domain.S3Url;
import com.quiltdata.edp.observe.Bounded;
import com.quiltdata.edp.packager.domain.PackageRequest.MetadataSource;
import com.quiltdata.edp.packager.domain.PackageRequest.NamedObject;
import com.quiltdata.edp.packager.domain.PackageRequest.WhenEmpty;
import com.quiltdata.edp.packager.domain.PackageRequest.WorkflowChoice;
import java.util.Optional;
import java.util.UUID;

/** What every message form checks the same way: the folder, the package name, and the folder rules. */
final class PackageRequests {
    private PackageRequests() {}

    /** A URL a message gives: local sources are refused, and a problem is the request's fault. */
    static S3Url sourceUrl(String text) {
        if (text.startsWith("file:")) {
            throw new InvalidRequestException("local (file:) sources are not supported: " + Bounded.text(text));
        }
        if (!text.startsWith("s3://")) {
            throw new InvalidRequestException("expected an s3:// URL, got " + Bounded.quoted(text));
        }
        try {
            return S3Url.split(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(e.getMessage());
        }
    }

    /** A request whose folder has no dot segments and whose name (given, or from the folder) is valid. */
    static PackageRequest of(String bucket, String folder, String sourceUri, String registry, String name,
            MetadataSource metadata, Optional<String> message, WorkflowChoice workflow, boolean shouldCopy,
            Optional<UUID> batchId) {
        for (String segment : folder.split("/")) {
            if (segment.equals("..") || segment.equals(".")) {
                throw new InvalidRequestException("the source folder '" + folder + "' has a '" + segment + "' segment (after"
                        + " percent-decoding); S3 keys are not resolved like paths, so name the folder itself");
            }
        }
        PackageName packageName;
        try {
            packageName = name == null ? PackageName.fromFolder(folder) : PackageName.parse(name);
        } catch (InvalidPackageNameException e) {
            throw new InvalidRequestException(e.getMessage());
        }
        return new PackageRequest(bucket, folder, sourceUri, registry == null ? bucket : registry, packageName,
                metadata, message, workflow, shouldCopy, batchId);
    }

    /** The folder of a bucket with everything else at its default: what an event (not a description) asks for. */
    static PackageRequest ofFolder(String bucket, String folder, String sourceUri, MetadataSource metadata,
            Optional<UUID> batchId) {
        return of(bucket, folder, sourceUri, null, null, metadata, Optional.empty(), new WorkflowChoice.RegistryDefault(),
                false, batchId);
    }

    static PackageRequest withEmptiness(PackageRequest r, WhenEmpty whenEmpty, Optional<NamedObject> namedObject) {
        return new PackageRequest(r.bucket(), r.folder(), r.sourceUri(), r.registry(), r.name(), r.metadata(), r.message(),
                r.workflow(), r.shouldCopy(), r.batchId(), whenEmpty, namedObject);
    }

    /**
     * The folder a {@code source_prefix} names: itself when it ends in {@code /} (or is the bucket
     * root), else the folder holding the last segment; a top-level key means the bucket root.
     */
    static String folderOf(String decodedPath) {
        if (decodedPath.isEmpty() || decodedPath.endsWith("/")) {
            return decodedPath;
        }
        return decodedPath.substring(0, decodedPath.lastIndexOf('/') + 1);
    }

    /** A URI or prefix that names a folder with or without its trailing {@code /}. */
    static String asFolder(String path) {
        return path.isEmpty() || path.endsWith("/") ? path : path + "/";
    }
}
