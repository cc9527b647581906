package com.quiltdata.edp.cli;

import com.quiltdata.edp.config.BucketSettings;
import com.quiltdata.edp.domain.PrefixRule;
import com.quiltdata.edp.domain.S3Url;
import com.quiltdata.edp.json.Json;
import com.quiltdata.edp.observe.Metrics;
import com.quiltdata.edp.postgres.Database;
import com.quiltdata.edp.store.ObjectEventRecorder;
import com.quiltdata.edp.store.StoreWiring;
import com.quiltdata.edp.store.postgres.JdbcObjectEventStore;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@code edp backfill s3://bucket/prefix}: lists the objects and records those EDP never saw as
 * {@code Object Created} events, through the store's own recorder. Event ids are derived from
 * bucket, key, ETag and modification time, so a second run records nothing new.
 */
@Command(name = "backfill", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Record objects EDP never saw so that they get packaged; running it twice changes nothing.",
        description = {"Record objects EDP never saw (written before EDP was deployed, or events lost) so they get packaged.",
            "Running it twice changes nothing."})
public final class BackfillCommand implements Callable<Integer> {
    private static final int PAGE = 1000;

    @Parameters(index = "0", paramLabel = "s3://BUCKET/PREFIX")
    String url;

    @Option(names = "--depth", paramLabel = "N", description = "prefix depth (default: BUCKET_PREFIX_DEPTH, or 2)")
    Integer depth;

    @Option(names = "--ignore", paramLabel = "GLOB", split = ",", description = "keys to ignore (default: BUCKET_IGNORE_PREFIXES)")
    List<String> ignores;

    @Mixin
    DatabaseOptions database = new DatabaseOptions();

    @Mixin
    S3Options aws = new S3Options();

    private final Terminal terminal;

    public BackfillCommand(Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public Integer call() throws Exception {
        S3Url source = S3Options.bucketAndPrefix(url, "backfill");
        String bucket = source.bucket();
        String prefix = source.decodedPath();
        CliEnvironment env = CliEnvironment.current();
        PrefixRule rule = env.with(CliEnvironment.flags("BUCKET_PREFIX_DEPTH", depth, "BUCKET_IGNORE_PREFIXES", ignores))
                .read(BucketSettings::prefixRule, "--depth is 1 to 100, as the stack allows; --ignore takes globs such as raw/* or **/*.tmp");
        Clock clock = Clock.systemUTC();
        DatabaseLogin login = database.login(env);
        long listed = 0;
        long known = 0;
        long stored = 0;
        long ignored = 0;
        try (Database db = login.database(); S3Client s3 = aws.s3()) {
            ObjectEventRecorder recorder = StoreWiring.of(new BucketSettings(List.of(bucket), rule), db, clock, line -> { })
                    .recorder();
            Metrics discarded = new Metrics("cli", clock, line -> { });
            try {
                for (ListObjectsV2Response page : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix).maxKeys(PAGE))) {
                    List<S3Object> objects = page.contents();
                    listed += objects.size();
                    Set<String> seen = new JdbcObjectEventStore(db).knownKeys(bucket, objects.stream().map(S3Object::key).toList());
                    List<ObjectEventRecorder.Message> messages = new ArrayList<>();
                    for (S3Object o : objects) {
                        if (seen.contains(o.key())) {
                            known++;
                        } else if (!o.key().endsWith("/")) {
                            messages.add(new ObjectEventRecorder.Message(o.key(), body(bucket, o)));
                        }
                    }
                    if (!messages.isEmpty()) {
                        ObjectEventRecorder.Outcome outcome = recorder.record(messages, discarded);
                        if (!outcome.failedMessageIds().isEmpty()) {
                            throw new IllegalStateException(outcome.failedMessageIds().size() + " objects could not be recorded; run it again");
                        }
                        stored += outcome.recorded().stored();
                        ignored += outcome.ignored();
                    }
                    terminal.progress("backfill", listed, -1, stored + " recorded, " + known + " already known");
                }
            } catch (S3Exception e) {
                terminal.progressDone();
                throw new UsageException("cannot list s3://" + bucket + "/" + prefix + ": " + e.awsErrorDetails().errorMessage(),
                        "check the bucket name, your AWS credentials and region (--region), or --endpoint-url for a local S3");
            }
        }
        terminal.progressDone();
        terminal.line("backfill s3://" + bucket + "/" + prefix + ": " + listed + " objects listed, " + stored + " recorded, "
                + known + " already known" + (ignored > 0 ? ", " + ignored + " ignored (bucket root, .quilt/ or --ignore)" : ""));
        return EdpCommand.OK;
    }

    /** The keys of the bucket EDP already has a state for. */
    /** An S3 Object Created event as EventBridge delivers it, with an id derived from what the listing shows. */
    static String body(String bucket, S3Object o) {
        String id = "backfill-" + UUID.nameUUIDFromBytes((bucket + "\n" + o.key() + "\n" + o.eTag() + "\n" + o.lastModified())
                .getBytes(StandardCharsets.UTF_8));
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("key", URLEncoder.encode(o.key(), StandardCharsets.UTF_8).replace("%2F", "/"));
        object.put("size", o.size());
        object.put("etag", o.eTag() == null ? null : o.eTag().replace("\"", ""));
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("version", "0");
        detail.put("bucket", Map.of("name", bucket));
        detail.put("object", object);
        detail.put("reason", "Backfill");
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("version", "0");
        envelope.put("id", id);
        envelope.put("detail-type", "Object Created");
        envelope.put("source", "aws.s3");
        envelope.put("time", o.lastModified().toString());
        envelope.put("resources", List.of("arn:aws:s3:::" + bucket));
        envelope.put("detail", detail);
        return Json.write(envelope);
    }
}
