package com.quiltdata.edp.packager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quiltdata.edp.packager.domain.PhysicalKey;
import com.quiltdata.edp.packager.port.ListedObject;
import com.quiltdata.edp.packager.port.ObjectReader;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FolderListingTest {
    /** key → text; the lister answers every key under the asked prefix, as S3 does. */
    private final Map<String, String> bucket = new LinkedHashMap<>();

    private FolderListing listing() {
        return new FolderListing((b, prefix, sink) -> bucket.forEach((key, text) -> {
            if (key.startsWith(prefix)) {
                sink.accept(new ListedObject(b, key, Optional.empty(), text.length(), Set.of()));
            }
        }), (location, max) -> Optional.ofNullable(bucket.get(location.key()))
                .map(text -> new ObjectReader.StoredText(text, location)));
    }

    @Test
    void shouldKeepWhatThePackageHoldsAndFindTheMetadataFile() {
        bucket.put("run/a.csv", "a");
        bucket.put("run/sub/", "");
        bucket.put("run/.quiltignore", "*.tmp\n");
        bucket.put("run/b.tmp", "b");
        bucket.put("run/quilt_metadata.json", "{}");
        bucket.put("run/./odd", "x");
        FolderListing.Listing l = listing().list("b", "run/");
        assertEquals(5, l.listed(), "every object but the folder marker");
        assertEquals(java.util.List.of("run/a.csv", "run/.quiltignore", "run/quilt_metadata.json"),
                l.objects().stream().map(ListedObject::key).toList());
        assertEquals("run/quilt_metadata.json", l.metadataFile().orElseThrow().key());
    }

    @Test
    void shouldListTheBucketRootWithoutTheRegistry() {
        bucket.put("a.csv", "a");
        bucket.put(".quilt/packages/abc", "manifest");
        FolderListing.Listing l = listing().list("b", "");
        assertEquals(1, l.listed());
        assertTrue(l.metadataFile().isEmpty());
    }

    @Test
    void shouldTellAnObjectFromAPrefixOfIt() {
        bucket.put("in/run-1/manifest.json.bak", "x");
        assertFalse(listing().exists("b", "in/run-1/manifest.json"));
        bucket.put("in/run-1/manifest.json", "x");
        assertTrue(listing().exists("b", "in/run-1/manifest.json"));
        assertEquals(PhysicalKey.of("b", "k", null), listing().location(new ListedObject("b", "k", Optional.empty(), 1, Set.of())));
    }
}
