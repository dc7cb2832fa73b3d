// A request whose lengths do not add up: answered EINVAL (or dropped), never a crash.
package io.github.fusespringboot.mount.protocol;

/** Thrown by the decoders when a request is shorter than its opcode's body or a name is unterminated. */
public final class MalformedRequestException extends RuntimeException {

    public MalformedRequestException(String message) {
        super(message, null, false, false);
    }

}
