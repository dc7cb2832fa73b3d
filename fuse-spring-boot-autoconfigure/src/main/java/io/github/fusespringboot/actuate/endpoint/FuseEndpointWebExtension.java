// The fuse endpoint over HTTP: status codes that say whether an unmount or remount happened.
package io.github.fusespringboot.actuate.endpoint;

import io.github.fusespringboot.actuate.endpoint.FuseEndpoint.MountDescriptor;
import io.github.fusespringboot.actuate.endpoint.FuseEndpoint.Outcome;

import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * {@link FuseEndpoint} over HTTP. Every verb on {@code /actuator/fuse/{name}} answers 404 for a mount
 * that does not exist; {@code DELETE} and {@code POST} answer 200 with the mount when done, 409 when
 * the mount's state does not allow it (remounting a mounted or runtime mount, or while the
 * application starts or stops) and 500 when the engine failed, each with the mount, the message and,
 * for a failure, the step, errno and advice in the body.
 */
@EndpointWebExtension(endpoint = FuseEndpoint.class)
public class FuseEndpointWebExtension {

    /** No constant for it in {@link WebEndpointResponse}. */
    static final int STATUS_CONFLICT = 409;

    private final FuseEndpoint endpoint;

    public FuseEndpointWebExtension(FuseEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    /** One mount, or 404 naming it. */
    @ReadOperation
    public WebEndpointResponse<Object> mount(@Selector String name) {
        MountDescriptor mount = this.endpoint.mount(name);
        if (mount == null) {
            return respond(Outcome.unknown(name));
        }
        return new WebEndpointResponse<>(mount);
    }

    /** Unmounts one mount. */
    @DeleteOperation
    public WebEndpointResponse<Object> unmount(@Selector String name) {
        return respond(this.endpoint.unmountOutcome(name));
    }

    /** Mounts a declared mount again. */
    @WriteOperation
    public WebEndpointResponse<Object> remount(@Selector String name) {
        return respond(this.endpoint.remountOutcome(name));
    }

    private static WebEndpointResponse<Object> respond(Outcome outcome) {
        return switch (outcome.kind()) {
            case DONE -> new WebEndpointResponse<>(outcome.mount(), WebEndpointResponse.STATUS_OK);
            case UNKNOWN -> new WebEndpointResponse<>(outcome.error(), WebEndpointResponse.STATUS_NOT_FOUND);
            case REFUSED -> new WebEndpointResponse<>(outcome.error(), STATUS_CONFLICT);
            case FAILED -> new WebEndpointResponse<>(outcome.error(), WebEndpointResponse.STATUS_INTERNAL_SERVER_ERROR);
        };
    }

}
