package com.quiltdata.edp.packager.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quiltdata.edp.testing.SampleEvents;
import com.quiltdata.edp.packager.domain.PackageRequest.MetadataSource;
import com.quiltdata.edp.packager.domain.PackageRequest.WorkflowChoice;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RequestParserTest {

    private static PackageRequest request(String body) {
        return RequestParser.parse(body).request().orElseThrow();
    }

    @Test
    void shouldParseAFullDescription() {
        PackageRequest r = request("""
                {"source_prefix": "s3://data/lab/run-7/", "registry": "reg", "package_name": "lab/run7",
                 "metadata": {"b": 1, "a": 2.0}, "commit_message": "hi", "workflow": "alpha", "should_copy": true}""");
        assertEquals("data", r.bucket());
        assertEquals("lab/run-7/", r.folder());
        assertEquals("reg", r.registry());
        assertEquals("lab/run7", r.name().toString());
        assertEquals("{\"b\":1,\"a\":2.0}", ((MetadataSource.Given) r.metadata()).metadata().toString());
        assertEquals(Optional.of("hi"), r.message());
        assertEquals(new WorkflowChoice.Named("alpha"), r.workflow());
        assertTrue(r.shouldCopy());
    }

    @Test
    void shouldDefaultRegistryNameWorkflowAndAcceptMessage() {
        PackageRequest r = request("{\"source_prefix\": \"s3://b/my/s3/folder/metadata.json\", \"message\": \"m\"}");
        assertEquals("b", r.registry());
        assertEquals("my/s3/folder/", r.folder());
        assertEquals("my_s3/folder", r.name().toString());
        assertEquals(Optional.of("m"), r.message());
        assertEquals(new WorkflowChoice.RegistryDefault(), r.workflow());
        assertInstanceOf(MetadataSource.FolderDefault.class, r.metadata());
        assertFalse(r.shouldCopy());
    }

    @ParameterizedTest(name = "{0} -> folder [{1}] name {2}")
    @CsvSource(delimiter = '|', value = {
        "s3://b/source/folder/metadata.json|source/folder/|source/folder",
        "s3://b/source/folder|source/|package/source",
        "s3://b/my%20folder/sub+dir/x.json|my folder/sub+dir/|my-folder/sub-dir",
        "s3://b/metadata.json|''|package/null",
        "s3://b|''|package/null",
        "s3://b/a/b/?versionId=1#frag|a/b/|a/b"
    })
    void shouldDeriveTheFolderFromSourcePrefix(String prefix, String folder, String name) {
        PackageRequest r = request("{\"source_prefix\": \"" + prefix + "\"}");
        assertEquals(folder, r.folder());
        assertEquals(name, r.name().toString());
    }

    @Test
    void shouldTellEmptyWorkflowFromAbsent() {
        assertEquals(new WorkflowChoice.NoWorkflow(), request("{\"source_prefix\": \"s3://b/a/\", \"workflow\": \"\"}").workflow());
        assertEquals(new WorkflowChoice.RegistryDefault(), request("{\"source_prefix\": \"s3://b/a/\", \"workflow\": null}").workflow());
    }

    @ParameterizedTest(name = "{1} from {0}")
    @CsvSource(delimiter = '|', value = {
        "s3://b/a/b/x.json|meta.json|s3://b/a/b/meta.json",
        "s3://b/a/b/|../x.json|s3://b/a/x.json",
        "s3://b/a/b/|//other/x.json|s3://other/x.json",
        "s3://b/a/b/|s3://c/k.json?versionId=v|s3://c/k.json?versionId=v",
        "s3://b/a/b/|/top.json|s3://b/top.json",
        "s3://b/a/b/|my%20meta.json|s3://b/a/b/my%20meta.json"
    })
    void shouldResolveMetadataUriAgainstSourcePrefix(String prefix, String uri, String expected) {
        PackageRequest r = request("{\"source_prefix\": \"" + prefix + "\", \"metadata_uri\": \"" + uri + "\"}");
        assertEquals(PhysicalKey.parse(expected), ((MetadataSource.FromObject) r.metadata()).location());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "not json", "[1]", "{}", "{\"source_prefix\": 3}", "{\"source_prefix\": \"http://b/a/\"}",
        "{\"source_prefix\": \"file:///tmp/a/\"}",
        "{\"source_prefix\": \"s3://b/a/\", \"metadata\": {}, \"metadata_uri\": \"m.json\"}",
        "{\"source_prefix\": \"s3://b/a/\", \"metadata\": [1]}",
        "{\"source_prefix\": \"s3://b/a/\", \"package_name\": \"bad name\"}",
        "{\"source_prefix\": \"s3://b/a/\", \"should_copy\": \"yes\"}",
        "{\"source_prefix\": \"s3://b/a/\", \"registry\": \"s3://b/k\"}",
        "{\"detail-type\": \"Something\", \"source\": \"x\", \"detail\": {\"a\": 1}}"
    })
    void shouldRejectMessagesThatCanNeverSucceed(String body) {
        assertThrows(InvalidRequestException.class, () -> RequestParser.parse(body));
    }

    @Test
    void shouldTurnUriQueryParametersIntoMetadata() {
        PackageRequest r = request("{\"uri\": \"s3://b/lab/exp-1?owner=Zo%C3%AB&tag=a+b\"}");
        assertEquals("lab/exp-1/", r.folder());
        assertEquals("lab/exp-1", r.name().toString());
        assertEquals("{\"owner\":\"Zoë\",\"tag\":\"a b\"}", ((MetadataSource.Given) r.metadata()).metadata().toString());
    }

    @Test
    void shouldUnwrapAnEnvelopeAroundADescriptionOrUri() {
        assertEquals("x/y/", request("{\"detail-type\": \"package-objects-request\", \"source\": \"me\", "
                + "\"detail\": {\"source_prefix\": \"s3://b/x/y/\"}}").folder());
        assertEquals("x/y/", request("{\"detail-type\": \"package-objects-request\", \"source\": \"me\", "
                + "\"detail\": {\"uri\": \"s3://b/x/y/\"}}").folder());
    }

    @Test
    void shouldReadAnEdpPackageObjectsReadyEvent() {
        UUID batch = UUID.randomUUID();
        PackageRequest r = request("{\"version\":\"0\",\"id\":\"e1\",\"detail-type\":\"package-objects-ready\","
                + "\"source\":\"com.quiltdata.edp\",\"detail\":{\"version\":\"0.1\",\"bucket\":\"b\",\"prefix\":\"lab/run-7/\","
                + "\"batch_id\":\"" + batch + "\",\"object_count\":3}}");
        assertEquals("lab/run-7/", r.folder());
        assertEquals("lab/run-7", r.name().toString());
        assertEquals(Optional.of(batch), r.batchId());
    }

    @Test
    void shouldPackageTheOutputOfACompletedOmicsRun() {
        PackageRequest r = request("{\"detail-type\":\"Run Status Change\",\"source\":\"aws.omics\","
                + "\"detail\":{\"status\":\"COMPLETED\",\"runOutputUri\":\"s3://quilt-example/omics-quilt/3395667\"}}");
        assertEquals("omics-quilt/3395667/", r.folder());
        assertEquals("omics-quilt/3395667", r.name().toString());
        assertTrue(RequestParser.parse("{\"detail-type\":\"Run Status Change\",\"source\":\"aws.omics\","
                + "\"detail\":{\"status\":\"RUNNING\",\"runOutputUri\":\"s3://b/x\"}}").request().isEmpty());
    }

    @Test
    void shouldPackageTheFolderOfAnRoCrate() {
        PackageRequest r = request("{\"detail-type\":\"Object Created\",\"source\":\"aws.s3\",\"detail\":{"
                + "\"bucket\":{\"name\":\"b\"},\"object\":{\"key\":\"my/s3/folder+x/ro-crate-metadata.json\",\"version-id\":\"v1\"}}}");
        assertEquals("my/s3/folder x/", r.folder());
        assertEquals("my_s3/folder-x", r.name().toString());
        assertEquals(PhysicalKey.of("b", "my/s3/folder x/ro-crate-metadata.json", "v1"),
                ((MetadataSource.FromObject) r.metadata()).location());
        assertTrue(RequestParser.parse("{\"detail-type\":\"Object Created\",\"source\":\"aws.s3\",\"detail\":{"
                + "\"bucket\":{\"name\":\"b\"},\"object\":{\"key\":\"a/other.json\"}}}").request().isEmpty());
    }

    @Test
    void shouldEchoAHugeValueOnlyInPart() {
        String body = "{\"source_prefix\": \"http://" + "x".repeat(1_000_000) + "\"}";
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> RequestParser.parse(body));
        assertTrue(e.getMessage().length() < 400, e.getMessage().length() + " chars");
        assertTrue(e.getMessage().contains("...[cut, 1000007 chars]"), e.getMessage());
    }

    @ParameterizedTest(name = "uri {0} -> folder [{1}], else the object {2} in [{3}] as {4}")
    @CsvSource(delimiter = '|', value = {
        "s3://b/in/run-1/manifest.json|in/run-1/manifest.json/|in/run-1/manifest.json|in/run-1/|in/run-1",
        "s3://b/data/to/be/packaged|data/to/be/packaged/|data/to/be/packaged|data/to/be/|data_to/be",
        "s3://b/top.json|top.json/|top.json|''|package/null",
        "s3://b/in%20put/x%2By.csv?k=v|in put/x+y.csv/|in put/x+y.csv|in put/|package/in-put",
        "s3://b/in/run-1/|in/run-1/|''|''|''",
        "s3://b|''|''|''|''"
    })
    void shouldLetAUriNameAFolderOrAnObjectInIt(String uri, String folder, String objectKey, String objectFolder, String objectName) {
        PackageRequest r = request("{\"uri\": \"" + uri + "\"}");
        assertEquals(folder, r.folder());
        assertEquals(PackageRequest.WhenEmpty.REJECT, r.whenEmpty());
        if (objectKey.isEmpty()) {
            assertTrue(r.namedObject().isEmpty());
            return;
        }
        PackageRequest.NamedObject named = r.namedObject().orElseThrow();
        assertEquals(objectKey, named.key());
        assertEquals(objectFolder, named.request().folder());
        assertEquals(objectName, named.request().name().toString());
        assertEquals("b", named.request().bucket());
        assertEquals(r.metadata(), named.request().metadata());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{\"source_prefix\": \"s3://mine/a/\", \"uri\": \"s3://other/x/y.json\"}|mine|a/",
        "{\"uri\": \"s3://other/x/\", \"source_prefix\": \"s3://mine/a/f.json\"}|mine|a/",
        "{\"detail-type\": \"req\", \"source\": \"me\", \"detail\": {\"uri\": \"s3://other/x/\", \"source_prefix\": \"s3://mine/a/\"}}|mine|a/"
    })
    void shouldLetSourcePrefixWinOverAUriBesideIt(String body, String bucket, String folder) {
        PackageRequest r = request(body);
        assertEquals(bucket, r.bucket());
        assertEquals(bucket, r.registry());
        assertEquals(folder, r.folder());
        assertTrue(r.namedObject().isEmpty());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "{\"source_prefix\": \"s3://b/a/../b/\"}",
        "{\"source_prefix\": \"s3://b/a/%2e%2e/b/\"}",
        "{\"source_prefix\": \"s3://b/a/%2E%2E/\"}",
        "{\"source_prefix\": \"s3://b/../\"}",
        "{\"source_prefix\": \"s3://b/a/./b/\"}",
        "{\"uri\": \"s3://b/a/..\"}",
        "{\"uri\": \"s3://b/x/%2e%2e/y\"}",
        "{\"detail-type\": \"package-objects-ready\", \"source\": \"com.quiltdata.edp\", \"detail\": {\"bucket\": \"b\", \"prefix\": \"a/../\"}}"
    })
    void shouldRejectAFolderWithDotSegments(String body) {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> RequestParser.parse(body));
        assertTrue(e.getMessage().contains("segment"), e.getMessage());
    }

    @Test
    void shouldAskForAnEmptyPackageOnlyWhenTheDescriptionSaysSo() {
        assertEquals(PackageRequest.WhenEmpty.REJECT, request("{\"source_prefix\": \"s3://b/a/\"}").whenEmpty());
        assertEquals(PackageRequest.WhenEmpty.REJECT, request("{\"source_prefix\": \"s3://b/a/\", \"allow_empty\": false}").whenEmpty());
        assertEquals(PackageRequest.WhenEmpty.PACKAGE, request("{\"source_prefix\": \"s3://b/a/\", \"allow_empty\": true}").whenEmpty());
        assertEquals(PackageRequest.WhenEmpty.SKIP, request("{\"detail-type\": \"package-objects-ready\", \"source\": \"com.quiltdata.edp\","
                + " \"detail\": {\"bucket\": \"b\", \"prefix\": \"a/\"}}").whenEmpty());
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> RequestParser.parse("{\"source_prefix\": \"s3://b/a/\", \"allow_empty\": \"yes\"}"));
        assertEquals("allow_empty must be true or false", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ro-crate-metadata.json", "ro-crate-manifest.json"})
    void shouldAcceptBothRoCrateFileNames(String fileName) {
        PackageRequest r = request("{\"detail-type\":\"Object Created\",\"source\":\"aws.s3\",\"detail\":{"
                + "\"bucket\":{\"name\":\"b\"},\"object\":{\"key\":\"nf/run-12/" + fileName + "\"}}}");
        assertEquals("nf/run-12/", r.folder());
        assertEquals(PhysicalKey.of("b", "nf/run-12/" + fileName, null), ((MetadataSource.FromObject) r.metadata()).location());
    }

    @Test
    void shouldPackageTheSampleOmicsRunAndRoCrateEvents() {
        PackageRequest omics = request(SampleEvents.load("omics-run-status-completed"));
        assertEquals("edp-omics-output", omics.bucket());
        assertEquals("omics-quilt/3395667/", omics.folder());
        assertEquals("omics-quilt/3395667", omics.name().toString());

        PackageRequest crate = request(SampleEvents.load("s3-object-created-ro-crate-manifest"));
        assertEquals("edp-demo-bucket", crate.bucket());
        assertEquals("nf/run-12/", crate.folder());
        assertEquals(PhysicalKey.of("edp-demo-bucket", "nf/run-12/ro-crate-manifest.json", "Cr8tEmAn1fEsTv3rS10nIdXyZ0123456"),
                ((MetadataSource.FromObject) crate.metadata()).location());
    }
}
