package com.quiltdata.edp.packager.testing;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;

/** The packager function's Lambda context in tests: fixed names; subclasses say how much time is left. */
public abstract class PackagerContext implements Context {
    @Override public String getAwsRequestId() { return "test-request"; }
    @Override public String getLogGroupName() { return "/aws/lambda/edp-packager"; }
    @Override public String getLogStreamName() { return "test"; }
    @Override public String getFunctionName() { return "edp-packager"; }
    @Override public String getFunctionVersion() { return "$LATEST"; }
    @Override public String getInvokedFunctionArn() { return "arn:aws:lambda:us-east-1:111122223333:function:edp-packager"; }
    @Override public CognitoIdentity getIdentity() { return null; }
    @Override public ClientContext getClientContext() { return null; }
    @Override public int getMemoryLimitInMB() { return 2048; }

    @Override
    public LambdaLogger getLogger() {
        return new LambdaLogger() {
            @Override public void log(String message) { System.out.println(message); }
            @Override public void log(byte[] message) { System.out.println(new String(message)); }
        };
    }
}
