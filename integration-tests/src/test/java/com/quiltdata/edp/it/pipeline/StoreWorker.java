package com.quiltdata.edp.it.pipeline;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.quiltdata.edp.config.BucketSettings;
import com.quiltdata.edp.config.Env;
import com.quiltdata.edp.emit.testing.TestContext;
import com.quiltdata.edp.postgres.Database;
import com.quiltdata.edp.store.StoreHandler;
import com.quiltdata.edp.store.StoreWiring;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The store function in a process of its own, so a test can kill it (SIGKILL) in the middle of a
 * batch the way a Lambda execution environment dies. It polls the ingest queue like the event source
 * mapping and prints one line per step so the parent knows where it is:
 * {@code RECEIVED n} before invoking the handler, {@code HANDLED n failed=f} after it returned, then
 * {@code DELETED n} once the successful messages are deleted. With {@code --pause-after-handle} it
 * stops after HANDLED and waits to be killed: the batch is committed but never acknowledged.
 *
 * <p>Arguments: jdbcUrl user password sqsEndpoint queueUrl bucket batchSize [--pause-after-handle]
 */
public final class StoreWorker {
    public static void main(String[] args) throws Exception {
        String jdbcUrl = args[0];
        String user = args[1];
        String password = args[2];
        URI sqsEndpoint = URI.create(args[3]);
        String queueUrl = args[4];
        String bucket = args[5];
        int batchSize = Integer.parseInt(args[6]);
        boolean pause = args.length > 7 && args[7].equals("--pause-after-handle");

        Env env = new Env(Map.of("BUCKET_NAMES", bucket));
        BucketSettings buckets = BucketSettings.from(env);
        env.validate();
        Clock clock = Clock.systemUTC();
        StoreHandler handler = new StoreHandler(StoreWiring.of(buckets, new Database(jdbcUrl, user, () -> password), clock,
                line -> { }));
        SqsClient sqs = SqsClient.builder().endpointOverride(sqsEndpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create()).build();
        String queueArn = Queues.arn(sqs, queueUrl);
        System.out.println("READY");
        System.out.flush();
        while (true) {
            List<Message> batch = SqsDriver.receive(sqs, queueUrl, batchSize);
            if (batch.isEmpty()) {
                Thread.sleep(50);
                continue;
            }
            System.out.println("RECEIVED " + batch.size());
            System.out.flush();
            SQSBatchResponse response = handler.handleRequest(SqsDriver.event(batch, queueArn), TestContext.withRemainingMillis(60_000));
            int failed = response.getBatchItemFailures().size();
            System.out.println("HANDLED " + batch.size() + " failed=" + failed);
            System.out.flush();
            if (pause) {
                Thread.sleep(Long.MAX_VALUE);
            }
            var failedIds = response.getBatchItemFailures().stream().map(f -> f.getItemIdentifier()).toList();
            for (Message m : batch) {
                if (!failedIds.contains(m.messageId())) {
                    sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
                }
            }
            System.out.println("DELETED " + (batch.size() - failed));
            System.out.flush();
        }
    }
}
