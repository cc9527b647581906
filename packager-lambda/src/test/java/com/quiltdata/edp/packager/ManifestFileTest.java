package com.quiltdata.edp.packager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.quiltdata.edp.json.Json;
import com.quiltdata.edp.packager.domain.Checksum;
import com.quiltdata.edp.packager.domain.ManifestEntry;
import com.quiltdata.edp.packager.domain.ManifestHeader;
import com.quiltdata.edp.packager.domain.ManifestWriter;
import com.quiltdata.edp.packager.domain.PhysicalKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestFileTest {
    @TempDir
    Path temp;

    private static ManifestEntry entry(String logicalKey) {
        return ManifestEntry.of(logicalKey, PhysicalKey.of("b", logicalKey, null), 3, new Checksum(Checksum.SHA2_256_CHUNKED, "aGFzaA=="));
    }

    @Test
    void shouldWriteOneLinePerEntryAfterTheHeaderAndDeleteTheFileWhenClosed() throws Exception {
        Path written;
        try (ManifestFile file = ManifestFile.write(temp, ManifestHeader.of(Optional.empty(), Optional.empty(), "m"),
                List.of(entry("a.csv"), entry("b.csv")))) {
            written = file.path();
            assertEquals(3, Files.readAllLines(written).size());
            assertEquals(2, file.written().entries());
            assertEquals(6, file.written().totalSize());
            assertEquals(64, file.written().topHash().length());
        }
        assertFalse(Files.exists(written));
    }

    @Test
    void shouldRejectAManifestTheFormatCannotHoldAndLeaveNoFile() throws Exception {
        ObjectNode huge = Json.MAPPER.createObjectNode().put("notes", "x".repeat(ManifestWriter.MAX_LINE_BYTES));
        assertThrows(RejectedException.class, () -> ManifestFile.write(temp,
                ManifestHeader.of(Optional.of(huge), Optional.empty(), null), List.of(entry("a.csv"))));
        try (var left = Files.list(temp)) {
            assertTrue(left.findAny().isEmpty());
        }
    }
}
