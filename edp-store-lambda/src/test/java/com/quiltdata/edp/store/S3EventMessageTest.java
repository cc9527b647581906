package com.quiltdata.edp.store;

import com.quiltdata.edp.store.domain.S3EventMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quiltdata.edp.domain.ObjectEvent;
import com.quiltdata.edp.domain.Sequencer;
import com.quiltdata.edp.testing.SampleEvents;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class S3EventMessageTest {

    /** The samples the store receives (the package-* ones are the emit function's output). */
    static java.util.List<String> samples() {
        return SampleEvents.names().stream().filter(n -> n.startsWith("s3-") || n.startsWith("emit-")).toList();
    }

    @ParameterizedTest
    @MethodSource("samples")
    void everySampleParsesToAnEventOrIsIgnored(String name) {
        S3EventMessage.Parsed parsed = S3EventMessage.parse(SampleEvents.load(name));
        if (name.startsWith("s3-object-created") || name.startsWith("s3-object-deleted")) {
            assertInstanceOf(S3EventMessage.Parsed.Event.class, parsed, name);
        } else {
            assertInstanceOf(S3EventMessage.Parsed.Ignored.class, parsed, name);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "s3-object-created-put                            | lab/run-7/raw/reads_1.fastq.gz         | CREATED | 52428800",
        "s3-object-created-copy                           | lab/run-7/meta/sample-sheet.csv        | CREATED | 2048",
        "s3-object-created-multipart                      | lab/run-7/raw/reads_2.fastq.gz         | CREATED | 6442450944",
        "s3-object-deleted-delete-marker                  | lab/run-7/meta/sample-sheet.csv        | DELETED | ",
        "s3-object-deleted-permanently                    | lab/run-7/raw/reads_1.fastq.gz         | DELETED | ",
        "s3-object-deleted-lifecycle-expiration           | lab/run-7/tmp/scratch.bin              | DELETED | ",
        "s3-object-created-key-with-space-and-plus        | lab/run-7/my file name+v2.csv          | CREATED | 17",
        "s3-object-created-key-with-percent-equals-unicode| lab/run-7/a%b=c été 数据.txt            | CREATED | 9",
        "s3-object-created-key-with-double-slash          | lab//run-8/x.csv                       | CREATED | 3",
    })
    void samplesCarryTheirObject(String sample, String key, ObjectEvent.Kind kind, Long size) {
        ObjectEvent e = ((S3EventMessage.Parsed.Event) S3EventMessage.parse(SampleEvents.load(sample))).event();
        assertEquals("edp-demo-bucket", e.bucket());
        assertEquals(key, e.key());
        assertEquals(kind, e.kind());
        assertEquals(size, e.size());
        assertEquals(Sequencer.WIDTH, e.sequencer().length());
    }

    @Test
    void keepsTheRawKeyAndVersion() {
        ObjectEvent e = ((S3EventMessage.Parsed.Event) S3EventMessage.parse(
                SampleEvents.load("s3-object-created-key-with-space-and-plus"))).event();
        assertEquals("lab/run-7/my+file+name%2Bv2.csv", e.rawKey());
        assertEquals("Pq1wE2rT3yU4iO5pA6sD7fG8hJ9kL0zX", e.versionId());
        assertEquals(Instant.parse("2026-11-02T10:03:00Z"), e.eventTime());
        ObjectEvent unversioned = ((S3EventMessage.Parsed.Event) S3EventMessage.parse(
                SampleEvents.load("s3-object-deleted-permanently"))).event();
        assertNull(unversioned.versionId());
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
        "not json at all                                             | body is not JSON",
        "[1,2]                                                       | not an object",
        "{}                                                          | missing field 'detail-type'",
        "{\"detail-type\":\"Object Created\",\"source\":\"aws.ec2\"} | source is 'aws.ec2'",
        "{\"detail-type\":\"Object Created\",\"source\":\"aws.s3\",\"time\":\"2026-11-02T10:00:00Z\"} | missing field 'id'",
        "{\"Records\":[]}                                            | S3 notification (Records)",
        "{\"detail-type\":\"Object Created\",\"source\":\"aws.s3\"   | body is not JSON",
        "{\"detail-type\":\"Object Created\",\"source\":\"aws.s3\",\"id\":{\"a\":1},\"time\":\"2026-11-02T10:00:00Z\"} | missing field 'id'",
        "{\"detail-type\":\"Object Created\",\"source\":\"aws.s3\",\"id\":\"e\",\"time\":\"2026-11-02T10:00:00Z\",\"detail\":\"x\"} | missing field 'detail.bucket.name'",
    })
    void namesWhatIsWrong(String body, String reason) {
        S3EventMessage.Parsed parsed = S3EventMessage.parse(body);
        assertInstanceOf(S3EventMessage.Parsed.Invalid.class, parsed);
        assertTrue(((S3EventMessage.Parsed.Invalid) parsed).reason().contains(reason), parsed.toString());
    }

    @ParameterizedTest(name = "size {0}")
    @CsvSource(delimiter = '|', value = {"\"12\"", "-1", "1.5", "true", "{}", "99999999999999999999"})
    void rejectsASizeThatIsNotANonNegativeWholeNumber(String size) {
        String body = Events.created("lab/run/a.csv", 7, "01", Instant.EPOCH).replace("\"size\":7", "\"size\":" + size);
        S3EventMessage.Parsed parsed = S3EventMessage.parse(body);
        assertInstanceOf(S3EventMessage.Parsed.Invalid.class, parsed, body);
        assertTrue(((S3EventMessage.Parsed.Invalid) parsed).reason().contains("detail.object.size is not a non-negative number"));
    }

    @Test
    void rejectsMissingSizeOnCreateAndOverlongKeys() {
        String noSize = Events.body("id-1", "Object Created", "lab/run/a.csv", null, "01", Instant.EPOCH);
        assertTrue(((S3EventMessage.Parsed.Invalid) S3EventMessage.parse(noSize)).reason().contains("detail.object.size"));
        String longKey = Events.created("lab/run/" + "%C3%A9".repeat(600), 1, "01", Instant.EPOCH);
        assertTrue(((S3EventMessage.Parsed.Invalid) S3EventMessage.parse(longKey)).reason().contains("over S3's limit of 1024"));
        String badTime = Events.created("lab/run/a", 1, "01", Instant.EPOCH).replace("1970-01-01T00:00:00Z", "yesterday");
        assertTrue(((S3EventMessage.Parsed.Invalid) S3EventMessage.parse(badTime)).reason().contains("'time'"));
    }

    /** Field, value, reason; NULs are written as octal escapes, the lone surrogate as a Unicode escape. */
    @ParameterizedTest(name = "{2}")
    @CsvSource(delimiter = '|', value = {
        "detail.object.key        | lab/run/a%00b.csv           | field 'detail.object.key (decoded)' contains a NUL character (U+0000) at position 9",
        "detail.object.key        | lab/run/a\0b.csv            | field 'detail.object.key' contains a NUL character (U+0000) at position 9",
        "detail.object.etag       | a\0b                        | field 'detail.object.etag' contains a NUL character (U+0000) at position 1",
        "detail.object.version-id | \ud800v                     | field 'detail.object.version-id' is not valid Unicode: a lone surrogate at position 0",
        "id                       | e-\0-1                      | field 'id' contains a NUL character (U+0000) at position 2",
        "time                     | +10000-01-01T00:00:00Z      | field 'time' is '+10000-01-01T00:00:00Z', outside the years 1 to 9999 that are stored",
        "time                     | -5000-01-01T00:00:00Z       | field 'time' is '-5000-01-01T00:00:00Z', outside the years 1 to 9999 that are stored",
        "time                     | +1000000000-01-01T00:00:00Z | field 'time' is '+1000000000-01-01T00:00:00Z', outside the years 1 to 9999 that are stored",
    })
    void refusesAtParseTimeWhatTheDatabaseWouldRefuse(String field, String value, String reason) {
        String body = Events.withField(Events.created("lab/run/a.csv", 7, "01", Instant.EPOCH), field, value);
        S3EventMessage.Parsed parsed = S3EventMessage.parse(body);
        assertInstanceOf(S3EventMessage.Parsed.Invalid.class, parsed, body);
        assertEquals(reason, ((S3EventMessage.Parsed.Invalid) parsed).reason(), body);
    }

    @Test
    void refusesAnEventIdOverTheBoundButKeepsUuids() {
        String longId = Events.body("e".repeat(S3EventMessage.MAX_EVENT_ID_BYTES + 1), "Object Created", "lab/run/a", 1L, "01", Instant.EPOCH);
        assertEquals("field 'id' is 257 bytes, over the limit of 256", ((S3EventMessage.Parsed.Invalid) S3EventMessage.parse(longId)).reason());
        String uuid = Events.created("lab/run/a", 1, "01", Instant.EPOCH);
        assertInstanceOf(S3EventMessage.Parsed.Event.class, S3EventMessage.parse(uuid));
    }

    @Test
    void echoesAMegabyteSequencerOnlyInPart() {
        String body = Events.created("lab/run/a", 1, "01", Instant.EPOCH).replace("\"sequencer\":\"01\"", "\"sequencer\":\"" + "z".repeat(1_000_000) + "\"");
        String reason = ((S3EventMessage.Parsed.Invalid) S3EventMessage.parse(body)).reason();
        assertEquals("sequencer is not hexadecimal: '" + "z".repeat(200) + "...[cut, 1000000 chars]'", reason);
    }
}
