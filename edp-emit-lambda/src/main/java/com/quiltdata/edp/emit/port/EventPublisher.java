package com.quiltdata.edp.emit.port;

import com.quiltdata.edp.emit.domain.BusEvent;
import java.util.List;

/** Puts events on the EDP bus. */
public interface EventPublisher {

    /**
     * Publishes the events, as few calls as the bus allows. Never throws for a failure of the bus:
     * every event comes back either published or failed with the bus's error code.
     */
    <E extends BusEvent> PublishResult<E> publish(List<E> events);
}
