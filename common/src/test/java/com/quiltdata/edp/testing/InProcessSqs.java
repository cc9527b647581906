package com.quiltdata.edp.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** ElasticMQ in this JVM on a fixed free port (so the queue URLs it returns are right). */
public final class InProcessSqs implements AutoCloseable {
    private final SQSRestServer server;
    private final int port;
    private final SqsClient client;

    private InProcessSqs(SQSRestServer server, int port) {
        this.server = server;
        this.port = port;
        this.client = SqsClient.builder()
                .endpointOverride(endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    public static InProcessSqs start() {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SQSRestServer server = SQSRestServerBuilder.withInterface("127.0.0.1").withPort(port)
                .withServerAddress(new NodeAddress("http", "127.0.0.1", port, "")).start();
        server.waitUntilStarted();
        return new InProcessSqs(server, port);
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public SqsClient client() {
        return client;
    }

    /** A queue with a DLQ after {@code maxReceives}; returns the queue URL. Visibility timeout 0 for fast redelivery. */
    public String createQueueWithDlq(String name, int maxReceives) {
        return createQueueWithDlq(name, maxReceives, Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "0"));
    }

    /**
     * A queue whose messages move to {@code name-dlq} after {@code maxReceives} receives, with {@code attributes}
     * besides the redrive policy (none: ElasticMQ's default visibility timeout); returns the queue URL.
     */
    public String createQueueWithDlq(String name, int maxReceives, Map<QueueAttributeName, String> attributes) {
        String dlq = client.createQueue(r -> r.queueName(name + "-dlq")).queueUrl();
        String dlqArn = client.getQueueAttributes(r -> r.queueUrl(dlq).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        Map<QueueAttributeName, String> all = new HashMap<>(attributes);
        all.put(QueueAttributeName.REDRIVE_POLICY,
                "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"" + maxReceives + "\"}");
        return client.createQueue(r -> r.queueName(name).attributes(all)).queueUrl();
    }

    public String queueUrl(String name) {
        return client.getQueueUrl(r -> r.queueName(name)).queueUrl();
    }

    public void send(String queueUrl, String body) {
        client.sendMessage(r -> r.queueUrl(queueUrl).messageBody(body));
    }

    /** Up to 10 messages, with their system attributes (ApproximateReceiveCount ...). */
    public List<Message> receive(String queueUrl) {
        return client.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
    }

    /** Visible plus in-flight messages. */
    public int depth(String queueUrl) {
        Map<QueueAttributeName, String> a = client.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributes();
        return Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    public void delete(String queueUrl, Message message) {
        client.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
    }

    @Override
    public void close() {
        client.close();
        server.stopAndWait();
    }
}
