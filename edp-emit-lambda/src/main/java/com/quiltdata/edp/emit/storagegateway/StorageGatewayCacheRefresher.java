package com.quiltdata.edp.emit.storagegateway;

import com.quiltdata.edp.emit.port.CacheRefresher;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.storagegateway.StorageGatewayClient;
import software.amazon.awssdk.services.storagegateway.model.InvalidGatewayRequestException;
import software.amazon.awssdk.services.storagegateway.model.RefreshCacheResponse;

/**
 * RefreshCache on one S3 File Gateway share, the whole share recursively: the share may expose
 * the bucket at any folder, so the emit Lambda cannot tell which folder a package maps to. The
 * call is asynchronous and the gateway allows two in flight; a third answers
 * InvalidGatewayRequestException, which is reported as {@link Busy} so the caller waits a tick.
 */
public final class StorageGatewayCacheRefresher implements CacheRefresher {
    private final StorageGatewayClient client;
    private final String fileShareArn;

    public StorageGatewayCacheRefresher(StorageGatewayClient client, String fileShareArn) {
        this.client = client;
        this.fileShareArn = fileShareArn;
    }

    @Override
    public Outcome refresh() {
        try {
            RefreshCacheResponse response = client.refreshCache(r -> r.fileShareARN(fileShareArn).folderList("/").recursive(true));
            return new Requested(response.notificationId());
        } catch (InvalidGatewayRequestException e) {
            return new Busy(message(e));
        } catch (SdkException e) {
            return new Failed(e.getClass().getSimpleName() + ": " + message(e));
        }
    }

    private static String message(SdkException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
