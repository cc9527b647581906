package com.quiltdata.edp.cli;

import com.quiltdata.edp.observe.Bounded;
import com.quiltdata.edp.packager.domain.HashType;
import picocli.CommandLine.Option;

/** {@code --checksum}: the hash type new manifests get, as the stack's {@code ManifestChecksum} parameter. */
public final class ChecksumOption {
    @Option(names = "--checksum", paramLabel = "TYPE", defaultValue = "sha2-256-chunked",
            description = "hash type of new manifest entries: sha2-256-chunked (every quilt3) or CRC64NVME (quilt3 7.2.0 and later; "
                    + "taken from S3's default checksum without reading) (default: ${DEFAULT-VALUE})")
    String checksum = "sha2-256-chunked";

    HashType hashType() {
        try {
            return HashType.parse(checksum);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--checksum must be one of " + HashType.names() + ", got " + Bounded.quoted(checksum),
                    "--checksum CRC64NVME, or leave it out for sha2-256-chunked");
        }
    }
}
