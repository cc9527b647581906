package com.quiltdata.edp.emit.testing;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;
import java.util.function.IntSupplier;

/** A Lambda Context whose remaining time the test controls. */
public final class TestContext implements Context {
    private final IntSupplier remainingMillis;

    public TestContext(IntSupplier remainingMillis) {
        this.remainingMillis = remainingMillis;
    }

    public static TestContext withRemainingMillis(int millis) {
        return new TestContext(() -> millis);
    }

    @Override public String getAwsRequestId() { return "test-request"; }
    @Override public String getLogGroupName() { return "/aws/lambda/edp-emit"; }
    @Override public String getLogStreamName() { return "test"; }
    @Override public String getFunctionName() { return "edp-emit"; }
    @Override public String getFunctionVersion() { return "$LATEST"; }
    @Override public String getInvokedFunctionArn() { return "arn:aws:lambda:us-east-1:111122223333:function:edp-emit"; }
    @Override public CognitoIdentity getIdentity() { return null; }
    @Override public ClientContext getClientContext() { return null; }
    @Override public int getRemainingTimeInMillis() { return remainingMillis.getAsInt(); }
    @Override public int getMemoryLimitInMB() { return 512; }

    @Override
    public LambdaLogger getLogger() {
        return new LambdaLogger() {
            @Override public void log(String message) { System.out.println(message); }
            @Override public void log(byte[] message) { System.out.println(new String(message, StandardCharsets.UTF_8)); }
        };
    }
}
