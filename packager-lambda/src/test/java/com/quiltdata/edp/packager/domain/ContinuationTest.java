package com.quiltdata.edp.packager.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The continuation field of a package request and the checkpoint part it points at (ADR 0114). */
class ContinuationTest {
    private static final String REQUEST = "{\"source_prefix\": \"s3://lab/run/\", \"package_name\": \"lab/run\"}";

    @Test
    void aContinuedBodyParsesToTheSameRequestAndCarriesItsPart() {
        Continuation next = Continuation.start("message-1").next();
        String body = next.addTo(REQUEST);
        assertEquals(RequestParser.parse(REQUEST).request(), RequestParser.parse(body).request());
        assertEquals(Optional.of(next), Continuation.in(body));
        assertEquals(Optional.empty(), Continuation.in(REQUEST));
        // a redelivery of the same first message is the same run; another message is another run
        assertEquals(Continuation.start("message-1"), Continuation.start("message-1"));
        assertNotEquals(Continuation.start("message-1").run(), Continuation.start("message-2").run());
    }

    @Test
    void aMalformedContinuationIsRefusedNamingTheField() {
        for (String field : List.of("\"s3://elsewhere/key\"", "{\"run\": \"not-a-uuid\", \"part\": 1}",
                "{\"run\": \"" + UUID.randomUUID() + "\", \"part\": 0}", "{\"run\": \"" + UUID.randomUUID() + "\", \"part\": 10001}",
                "{\"run\": \"" + UUID.randomUUID() + "\", \"part\": 1, \"key\": \".quilt/packages/x\"}")) {
            String body = "{\"source_prefix\": \"s3://lab/run/\", \"edp_continuation\": " + field + "}";
            InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> RequestParser.parse(body), field);
            assertTrue(e.getMessage().contains("edp_continuation"), e.getMessage());
        }
    }

    @Test
    void aCheckpointPartReadsBackAsWritten() throws Exception {
        PackageRequest request = RequestParser.parse(REQUEST).request().orElseThrow();
        Checkpoint part = new Checkpoint(new Checkpoint.Header(UUID.randomUUID(), 2, "message-7", Checkpoint.RequestIdentity.of(request),
                "run/b é+.txt", 1_234, Set.of("README.md"), Optional.of(PhysicalKey.of("lab", "run/quilt_metadata.json", "v1")), "*.tmp\n"),
                List.of(ManifestEntry.of("b é+.txt", PhysicalKey.of("lab", "run/b é+.txt", "3/L4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY+MTRCxf3vjVBH40Nr8X8gdRQBpUMLUo"),
                        12, Checksum.chunked("CjJcowPrMBTEOuAElw80NjTbF2+haXvMjJ76yUYmSI0=")),
                        ManifestEntry.of("a.txt", PhysicalKey.of("lab", "run/a.txt", null), 0, Checksum.crc64("AAAAAAAAAAA="))));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        part.writeTo(out);
        Checkpoint back = Checkpoint.readFrom(new ByteArrayInputStream(out.toByteArray()));
        assertEquals(part, back);
        assertEquals(part.header(), Checkpoint.readHeader(new ByteArrayInputStream(out.toByteArray())));
        Checkpoint.requireSameRequest(back.header(), request);
        PackageRequest other = RequestParser.parse("{\"source_prefix\": \"s3://lab/run/\", \"package_name\": \"lab/other\"}").request().orElseThrow();
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.requireSameRequest(back.header(), other));
    }
}
