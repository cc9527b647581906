package com.quiltdata.edp.emit;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.quiltdata.edp.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The scheduled tick (EventBridge Scheduler input or a scheduled-rule envelope; the payload is not
 * used). Runs one {@link EmitTick} within the invocation's remaining time and answers its summary.
 */
public final class EmitHandler implements RequestStreamHandler {
    private final EmitTick tick;

    public EmitHandler() {
        this(EmitWiring.fromEnvironment());
    }

    EmitHandler(EmitTick tick) {
        this.tick = tick;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        input.readAllBytes();
        EmitTick.Summary summary = tick.run(Deadline.ofRemainingMillis(context::getRemainingTimeInMillis));
        output.write(Json.write(summary.toMap()).getBytes(StandardCharsets.UTF_8));
    }
}
