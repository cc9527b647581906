package com.quiltdata.edp.emit;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.quiltdata.edp.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The scheduled invocation (EventBridge Scheduler input or a scheduled-rule envelope; the payload is
 * not used). Runs a {@link TickLoop} within the invocation's remaining time and answers the totals of
 * its ticks.
 */
public final class EmitHandler implements RequestStreamHandler {
    private final TickLoop loop;

    public EmitHandler() {
        this(EmitWiring.loopFromEnvironment());
    }

    /** One tick per invocation, on the system clock. */
    EmitHandler(EmitTick tick) {
        this(TickLoop.once(tick, java.time.Clock.systemUTC()));
    }

    EmitHandler(TickLoop loop) {
        this.loop = loop;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        input.readAllBytes();
        TickLoop.Summary summary = loop.run(Deadline.ofRemainingMillis(context::getRemainingTimeInMillis));
        output.write(Json.write(summary.toMap()).getBytes(StandardCharsets.UTF_8));
    }
}
