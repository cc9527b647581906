package com.quiltdata.edp.packager.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Crc64NvmeTest {
    private static byte[] pattern(int size) {
        byte[] data = new byte[size];
        for (int i = 0; i < size; i++) {
            data[i] = (byte) (i % 251);
        }
        return data;
    }

    private static Crc64Nvme crc(byte[] data, int from, int to) {
        Crc64Nvme c = new Crc64Nvme(to - from);
        c.update(data, from, to - from);
        return c;
    }

    @Test
    void shouldMatchThePublicVectors() {
        for (JsonNode v : Golden.load("crc64nvme-public.json").get("vectors")) {
            int size = v.get("size").intValue();
            byte[] data = v.has("content_utf8") ? v.get("content_utf8").textValue().getBytes(StandardCharsets.UTF_8) : pattern(size);
            assertEquals(size, data.length);
            Crc64Nvme c = crc(data, 0, data.length);
            String name = v.get("name").textValue();
            assertEquals(v.get("crc64nvme_hex").textValue(), String.format("%016x", c.value()), name);
            assertEquals(new Checksum("CRC64NVME", v.get("crc64nvme_b64").textValue()), c.finish(), name);
            assertEquals(c.value(), Crc64Nvme.decode(v.get("crc64nvme_b64").textValue()), name);
        }
    }

    @Test
    void shouldGiveTheConstantForAnEmptyObject() {
        assertEquals("AAAAAAAAAAA=", new Crc64Nvme(0).finish().value());
        assertEquals(Checksum.crc64("AAAAAAAAAAA="), HashType.CRC64NVME.empty());
    }

    @Test
    void shouldNotDependOnHowTheBytesAreSplit() {
        byte[] data = new byte[100_003];
        new Random(5).nextBytes(data);
        long whole = crc(data, 0, data.length).value();
        Crc64Nvme pieces = new Crc64Nvme(data.length);
        int offset = 0;
        for (int step : new int[] {1, 7, 8, 9, 4096, 13, 65_536}) {
            pieces.update(data, offset, step);
            offset += step;
        }
        pieces.update(data, offset, data.length - offset);
        assertEquals(whole, pieces.value());
    }

    @Test
    void shouldCombineTheCrcsOfConsecutiveParts() {
        byte[] data = pattern(3_000_017);
        long whole = crc(data, 0, data.length).value();
        for (int cut : new int[] {0, 1, 8, 1_048_576, 2_999_999, data.length}) {
            long a = crc(data, 0, cut).value();
            long b = crc(data, cut, data.length).value();
            assertEquals(whole, Crc64Nvme.combine(a, b, data.length - cut), "cut at " + cut);
        }
    }

    @Test
    void shouldRefuseAWrongByteCountOrAValueOfTheWrongLength() {
        Crc64Nvme c = new Crc64Nvme(10);
        c.update(new byte[9], 0, 9);
        assertThrows(IllegalStateException.class, c::finish);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Crc64Nvme.decode("AAAA"));
        assertEquals("a CRC64NVME value has 8 bytes, got 3: AAAA", e.getMessage());
    }

    @Test
    void shouldParseTheHashTypeByItsManifestName() {
        assertEquals(HashType.CRC64NVME, HashType.parse("crc64nvme"));
        assertEquals(HashType.SHA2_256_CHUNKED, HashType.parse("sha2-256-chunked"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HashType.parse("md5"));
        assertEquals("unknown hash type 'md5', expected one of sha2-256-chunked, CRC64NVME", e.getMessage());
    }
}
