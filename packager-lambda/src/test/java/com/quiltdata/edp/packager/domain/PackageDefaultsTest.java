package com.quiltdata.edp.packager.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.quiltdata.edp.json.Json;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PackageDefaultsTest {
    private static final PackageDefaults STACK = new PackageDefaults(
            Optional.of((ObjectNode) Json.parse("{\"Author\": \"EDP\", \"Lab\": {\"site\": \"A\", \"floor\": 2}}")), Map.of());

    @Test
    void shouldLetEachTopLevelFieldOfThePackageWinWhole() {
        assertEquals("{\"Author\":\"me\",\"Lab\":{\"room\":7},\"run\":3}",
                STACK.under(Json.parse("{\"Author\": \"me\", \"Lab\": {\"room\": 7}, \"run\": 3}")).toString());
    }

    @Test
    void shouldGiveTheDefaultsToAPackageWithoutMetadata() {
        assertEquals("{\"Author\":\"EDP\",\"Lab\":{\"site\":\"A\",\"floor\":2}}", STACK.under(NullNode.instance).toString());
    }

    @Test
    void shouldLeaveMetadataAsItIsWithoutDefaults() {
        assertEquals("{\"a\":1}", PackageDefaults.NONE.under(Json.parse("{\"a\": 1}")).toString());
        assertEquals(NullNode.instance, PackageDefaults.NONE.under(NullNode.instance));
    }

    @Test
    void shouldNotLetALaterChangeToTheDefaultsReachAPackage() {
        ObjectNode merged = (ObjectNode) STACK.under(NullNode.instance);
        ((ObjectNode) merged.get("Lab")).put("site", "changed");
        assertEquals("{\"Author\":\"EDP\",\"Lab\":{\"site\":\"A\",\"floor\":2}}", STACK.under(NullNode.instance).toString());
    }
}
