package com.quiltdata.edp.emit.eventbridge;

import com.quiltdata.edp.emit.domain.BusEvent;
import com.quiltdata.edp.emit.domain.PackageObjectsReady;
import com.quiltdata.edp.emit.domain.PackageReady;
import com.quiltdata.edp.json.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The wire form of the events: source, detail-type, resources and detail. Field names and order
 * are the contract (schemas/package-objects-ready-0.1.schema.json, package-ready-0.1.schema.json).
 */
public final class EventJson {
    public static final String SOURCE = "com.quiltdata.edp";

    private EventJson() {}

    public static String detailType(BusEvent event) {
        return event instanceof PackageObjectsReady ? PackageObjectsReady.DETAIL_TYPE : PackageReady.DETAIL_TYPE;
    }

    public static List<String> resources(BusEvent event) {
        if (event instanceof PackageObjectsReady e) {
            return List.of(bucketArn(e.bucket()));
        }
        return List.of(bucketArn(((PackageReady) event).registry()));
    }

    public static String detail(BusEvent event) {
        Map<String, Object> d = new LinkedHashMap<>();
        if (event instanceof PackageObjectsReady e) {
            d.put("version", PackageObjectsReady.VERSION);
            d.put("bucket", e.bucket());
            d.put("prefix", e.prefix());
            d.put("batch_id", e.batchId().toString());
            d.put("object_count", e.objectCount());
            d.put("deleted_count", e.deletedCount());
            d.put("total_bytes", e.totalBytes());
            d.put("first_event_time", e.firstEventTime().toString());
            d.put("last_event_time", e.lastEventTime().toString());
            d.put("trigger", e.trigger().wireName());
        } else if (event instanceof PackageReady e) {
            d.put("version", PackageReady.VERSION);
            d.put("package-name", e.packageName());
            d.put("bucket", e.registry());
            d.put("top_hash", e.topHash());
        }
        return Json.write(d);
    }

    static String bucketArn(String bucket) {
        return "arn:aws:s3:::" + bucket;
    }
}
