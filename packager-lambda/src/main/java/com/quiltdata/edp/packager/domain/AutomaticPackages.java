package com.quiltdata.edp.packager.domain;

import com.quiltdata.edp.packager.domain.PackageRequest.WorkflowChoice;
import java.util.Optional;

/**
 * Stack-wide settings for the packages EDP makes on its own, from {@code package-objects-ready}:
 * the registry they are written to, their commit message and workflow, and the defaults their
 * folders may lack (docs/adr/0109). A description sent to the queue says all that itself and is
 * left as it is.
 *
 * @param registry the registry bucket of automatic packages; empty = the source bucket
 * @param message  the commit message of automatic packages
 * @param workflow the workflow they are validated against; empty = the registry's default
 * @param defaults metadata and files their folders may lack
 */
public record AutomaticPackages(Optional<String> registry, Optional<String> message, Optional<String> workflow,
        PackageDefaults defaults) {
    public static final String DEFAULT_MESSAGE = "Created by EDP";
    public static final AutomaticPackages SOURCE_BUCKET = new AutomaticPackages(Optional.empty());

    /** Into {@code registry}, with the default message and no other default. */
    public AutomaticPackages(Optional<String> registry) {
        this(registry, Optional.of(DEFAULT_MESSAGE), Optional.empty(), PackageDefaults.NONE);
    }

    public ParsedMessage apply(ParsedMessage parsed) {
        if (!isAutomatic(parsed)) {
            return parsed;
        }
        PackageRequest r = registry.map(parsed.request().get()::withRegistry).orElse(parsed.request().get());
        WorkflowChoice chosen = workflow.<WorkflowChoice>map(WorkflowChoice.Named::new).orElse(r.workflow());
        PackageRequest automatic = new PackageRequest(r.bucket(), r.folder(), r.sourceUri(), r.registry(), r.name(), r.metadata(), r.message().or(() -> message), chosen, r.shouldCopy(), r.batchId(), r.whenEmpty(),
                r.namedObject());
        return ParsedMessage.of(automatic, parsed.form());
    }

    /** The defaults a message's package gets: these for an automatic package, none for any other. */
    public PackageDefaults defaultsFor(ParsedMessage parsed) {
        return isAutomatic(parsed) ? defaults : PackageDefaults.NONE;
    }

    private static boolean isAutomatic(ParsedMessage parsed) {
        return parsed.request().isPresent() && ObjectsReadyForm.DETAIL_TYPE.equals(parsed.form());
    }
}
