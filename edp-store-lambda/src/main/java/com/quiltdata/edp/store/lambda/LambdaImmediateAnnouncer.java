package com.quiltdata.edp.store.lambda;

import com.quiltdata.edp.domain.ImmediateTickRequest;
import com.quiltdata.edp.store.port.ImmediateAnnouncer;
import java.nio.charset.StandardCharsets;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

/**
 * Invokes the emit function's {@code live} alias asynchronously (InvocationType=Event): Lambda
 * queues the request and answers 202 at once, so the store waits only for that answer, not for
 * the tick.
 */
public final class LambdaImmediateAnnouncer implements ImmediateAnnouncer {
    /** What the emit function recognises as "run one tick now"; anything else is a scheduled invocation. */
    public static final String REQUEST = ImmediateTickRequest.PAYLOAD;

    private final LambdaClient lambda;
    private final String functionName;

    /** @param functionName the emit function's alias ARN (or name:alias) */
    public LambdaImmediateAnnouncer(LambdaClient lambda, String functionName) {
        this.lambda = lambda;
        this.functionName = functionName;
    }

    @Override
    public void requestTick() {
        InvokeResponse response;
        try {
            response = lambda.invoke(r -> r.functionName(functionName).invocationType(InvocationType.EVENT)
                    .payload(SdkBytes.fromString(REQUEST, StandardCharsets.UTF_8)));
        } catch (SdkException e) {
            throw new AnnounceRequestFailedException("invoking " + functionName + " failed: " + e.getMessage(), e);
        }
        if (response.statusCode() != 202) {
            throw new AnnounceRequestFailedException("invoking " + functionName + " answered " + response.statusCode()
                    + " instead of 202 (queued)", null);
        }
    }
}
