package com.quiltdata.edp.emit;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.quiltdata.edp.domain.ImmediateTickRequest;
import com.quiltdata.edp.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * Two kinds of invocation. The schedule's (EventBridge Scheduler input or a scheduled-rule envelope;
 * its payload is not used) runs a {@link TickLoop} within the invocation's remaining time. The store's
 * asynchronous request after a commit made a batch ready ({@value #IMMEDIATE_TICK_TYPE}, ADR 0207)
 * runs one tick now. Either answers the totals of its ticks.
 */
public final class EmitHandler implements RequestStreamHandler {
    /** The detail-type of the store's request for one tick now. */
    public static final String IMMEDIATE_TICK_TYPE = ImmediateTickRequest.DETAIL_TYPE;

    private final TickLoop loop;
    private final TickLoop once;

    public EmitHandler() {
        this(EmitWiring.loopFromEnvironment());
    }

    /** One tick per invocation, on the system clock. */
    EmitHandler(EmitTick tick) {
        this(TickLoop.once(tick, Clock.systemUTC()));
    }

    EmitHandler(TickLoop loop) {
        this.loop = loop;
        this.once = loop.single();
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        byte[] payload = input.readAllBytes();
        TickLoop ticks = isImmediateTickRequest(payload) ? once : loop;
        TickLoop.Summary summary = ticks.run(Deadline.ofRemainingMillis(context::getRemainingTimeInMillis));
        output.write(Json.write(summary.toMap()).getBytes(StandardCharsets.UTF_8));
    }

    /** Whatever is not the store's request (or is not JSON at all) is the schedule's. */
    static boolean isImmediateTickRequest(byte[] payload) {
        try {
            return IMMEDIATE_TICK_TYPE.equals(Json.MAPPER.readTree(payload).path("detail-type").asText());
        } catch (IOException | RuntimeException notJson) {
            return false;
        }
    }
}
