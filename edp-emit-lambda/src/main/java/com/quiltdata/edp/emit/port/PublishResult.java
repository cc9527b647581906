package com.quiltdata.edp.emit.port;

import com.quiltdata.edp.emit.domain.BusEvent;
import java.util.List;

/**
 * What one publish call achieved. {@code interrupted} is set when a whole call failed (the bus
 * unreachable, throttled past retries): the caller should stop publishing for now.
 */
public record PublishResult<E extends BusEvent>(List<E> published, List<Failure<E>> failed, boolean interrupted) {

    public PublishResult {
        published = List.copyOf(published);
        failed = List.copyOf(failed);
    }

    public record Failure<E>(E event, String code, String message) {}
}
