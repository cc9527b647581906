package com.quiltdata.edp.processor.testing;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Message bodies and SQS events as the queue delivers them. */
public final class Events {
    private Events() {}

    /** A package-objects-ready envelope, as an EventBridge rule delivers it to SQS. */
    public static String ready(String bucket, String prefix) {
        return """
                {"version":"0","id":"%s","detail-type":"package-objects-ready","source":"com.quiltdata.edp",
                 "account":"111122223333","time":"2026-11-02T10:16:00Z","region":"us-east-1",
                 "resources":["arn:aws:s3:::%s"],
                 "detail":{"version":"0.1","bucket":"%s","prefix":"%s","batch_id":"%s","object_count":2,
                   "deleted_count":0,"total_bytes":10,"first_event_time":"2026-11-02T10:02:11.204Z",
                   "last_event_time":"2026-11-02T10:10:47.915Z","trigger":"quiet"}}"""
                .formatted(UUID.randomUUID(), bucket, bucket, prefix.replace("\"", "\\\""), UUID.randomUUID());
    }

    public static SQSEvent sqs(String... bodies) {
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        for (String body : bodies) {
            SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
            m.setMessageId(UUID.randomUUID().toString());
            m.setBody(body);
            m.setAttributes(Map.of("ApproximateReceiveCount", "1"));
            records.add(m);
        }
        SQSEvent event = new SQSEvent();
        event.setRecords(records);
        return event;
    }
}
