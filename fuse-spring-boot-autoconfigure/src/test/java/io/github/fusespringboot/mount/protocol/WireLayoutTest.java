package io.github.fusespringboot.mount.protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Golden layouts: sizes are {@code sizeof} of linux/fuse.h (protocol 7.38) structs on x86_64 and
 * aarch64, offsets the header's field order.
 */
class WireLayoutTest {

    private static ByteBuffer buffer(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void structSizesMatchTheKernelHeader() {
        assertThat(InHeader.SIZE).isEqualTo(40); // sizeof(struct fuse_in_header)
        assertThat(OutHeader.SIZE).isEqualTo(16); // sizeof(struct fuse_out_header)
        assertThat(Attr.SIZE).isEqualTo(88); // sizeof(struct fuse_attr)
        assertThat(Replies.ENTRY_OUT_SIZE).isEqualTo(128); // sizeof(struct fuse_entry_out)
        assertThat(Replies.ATTR_OUT_SIZE).isEqualTo(104); // sizeof(struct fuse_attr_out)
        assertThat(Replies.OPEN_OUT_SIZE).isEqualTo(16);
        assertThat(Replies.WRITE_OUT_SIZE).isEqualTo(8);
        assertThat(Replies.STATFS_OUT_SIZE).isEqualTo(80); // sizeof(struct fuse_kstatfs)
        assertThat(InitNegotiation.OUT_SIZE).isEqualTo(64); // sizeof(struct fuse_init_out)
        assertThat(Replies.DIRENT_NAME_OFFSET).isEqualTo(24); // FUSE_NAME_OFFSET
    }

    @Test
    void decodesTheRequestHeader() {
        ByteBuffer in = buffer(48);
        in.putInt(0, 48).putInt(4, Opcode.GETATTR).putLong(8, 0x1122334455667788L).putLong(16, 1)
            .putInt(24, 1000).putInt(28, 100).putInt(32, 4242).putShort(36, (short) 0);
        InHeader header = new InHeader();
        header.decode(in, 48);
        assertThat(header.length).isEqualTo(48);
        assertThat(header.opcode).isEqualTo(Opcode.GETATTR);
        assertThat(header.unique).isEqualTo(0x1122334455667788L);
        assertThat(header.nodeId).isEqualTo(1);
        assertThat(header.uid).isEqualTo(1000);
        assertThat(header.gid).isEqualTo(100);
        assertThat(header.pid).isEqualTo(4242);
        assertThat(header.bodyEnd()).isEqualTo(48);
    }

    @Test
    void refusesARequestWhoseLengthDisagreesWithWhatWasRead() {
        ByteBuffer in = buffer(64);
        InHeader.encode(in, 64, Opcode.LOOKUP, 1, 1, 0, 0, 0);
        assertThatExceptionOfType(MalformedRequestException.class).isThrownBy(() -> new InHeader().decode(in, 50));
        assertThatExceptionOfType(MalformedRequestException.class).isThrownBy(() -> new InHeader().decode(in, 12));
        in.putShort(36, (short) 10); // 80 bytes of extensions in a 64-byte request
        assertThatExceptionOfType(MalformedRequestException.class).isThrownBy(() -> new InHeader().decode(in, 64));
    }

    @Test
    void encodesTheReplyHeaderWithANegativeErrno() {
        ByteBuffer out = buffer(16);
        OutHeader.encode(out, 16, 38, 77);
        assertThat(out.getInt(0)).isEqualTo(16);
        assertThat(out.getInt(4)).isEqualTo(-38);
        assertThat(out.getLong(8)).isEqualTo(77);
    }

    @Test
    void decodesAWriteAndPointsAtItsData() {
        ByteBuffer in = buffer(40 + 40 + 5);
        in.putLong(40, 9).putLong(48, 4096).putInt(56, 5).putInt(60, 2).putLong(64, 123).putInt(72, 0101);
        in.put(80, "hello".getBytes(StandardCharsets.US_ASCII));
        Requests.Write write = Requests.Write.decode(new Body().reset(in, 40, 85));
        assertThat(write.fh()).isEqualTo(9);
        assertThat(write.offset()).isEqualTo(4096);
        assertThat(write.size()).isEqualTo(5);
        assertThat(write.writeFlags()).isEqualTo(2);
        assertThat(write.lockOwner()).isEqualTo(123);
        assertThat(write.flags()).isEqualTo(0101);
        assertThat(write.dataAt()).isEqualTo(80);
    }

    @Test
    void aWriteClaimingMoreDataThanItCarriesIsMalformed() {
        ByteBuffer in = buffer(40 + 40 + 5);
        in.putInt(56, 1 << 20);
        assertThatExceptionOfType(MalformedRequestException.class)
            .isThrownBy(() -> Requests.Write.decode(new Body().reset(in, 40, 85)));
    }

    @Test
    void decodesNamesAndRefusesOnesWithoutTerminator() {
        ByteBuffer in = buffer(64);
        in.putLong(40, 5);
        in.put(48, "a\0bc\0".getBytes(StandardCharsets.US_ASCII));
        Requests.Rename rename = Requests.Rename.decode(new Body().reset(in, 40, 53), false);
        assertThat(rename.newDir()).isEqualTo(5);
        assertThat(rename.oldName()).isEqualTo("a");
        assertThat(rename.newName()).isEqualTo("bc");
        assertThatExceptionOfType(MalformedRequestException.class)
            .isThrownBy(() -> Requests.Rename.decode(new Body().reset(in, 40, 52), false));
    }

    @Test
    void aBatchForgetCountBeyondTheBodyIsMalformed() {
        ByteBuffer in = buffer(40 + 8 + 16);
        in.putInt(40, 1).putLong(48, 7).putLong(56, 3);
        Requests.BatchForget batch = Requests.BatchForget.decode(new Body().reset(in, 40, 64));
        assertThat(batch.nodeIds()).containsExactly(7);
        assertThat(batch.nlookups()).containsExactly(3);
        in.putInt(40, 0x1000_0000);
        assertThatExceptionOfType(MalformedRequestException.class)
            .isThrownBy(() -> Requests.BatchForget.decode(new Body().reset(in, 40, 64)));
        in.putInt(40, -1);
        assertThatExceptionOfType(MalformedRequestException.class)
            .isThrownBy(() -> Requests.BatchForget.decode(new Body().reset(in, 40, 64)));
    }

    @Test
    void decodesInitWithFlags2OnlyWhenExtended() {
        ByteBuffer in = buffer(40 + 64);
        in.putInt(40, 7).putInt(44, 45).putInt(48, 131072).putInt(52, (int) (InitFlags.INIT_EXT | 1)).putInt(56, 3);
        Requests.Init init = Requests.Init.decode(new Body().reset(in, 40, 104));
        assertThat(init.minor()).isEqualTo(45);
        assertThat(init.maxReadahead()).isEqualTo(131072);
        assertThat(init.flags()).isEqualTo(InitFlags.INIT_EXT | 1 | (3L << 32));
        in.putInt(52, 1);
        assertThat(Requests.Init.decode(new Body().reset(in, 40, 104)).flags()).isEqualTo(1);
    }

    @Test
    void encodesAnEntryWithItsTimeoutsSplitIntoSecondsAndNanoseconds() {
        ByteBuffer out = buffer(128);
        Attr attr = new Attr();
        attr.ino = 5;
        attr.size = 12;
        attr.mode = 0100644;
        attr.nlink = 1;
        attr.mtimensec = 7;
        assertThat(Replies.entry(out, 0, 5, 2, 1_500_000_000L, 250_000_000L, attr)).isEqualTo(128);
        assertThat(out.getLong(0)).as("nodeid").isEqualTo(5);
        assertThat(out.getLong(8)).as("generation").isEqualTo(2);
        assertThat(out.getLong(16)).as("entry_valid").isEqualTo(1);
        assertThat(out.getLong(24)).as("attr_valid").isZero();
        assertThat(out.getInt(32)).as("entry_valid_nsec").isEqualTo(500_000_000);
        assertThat(out.getInt(36)).as("attr_valid_nsec").isEqualTo(250_000_000);
        assertThat(out.getLong(40)).as("attr.ino").isEqualTo(5);
        assertThat(out.getLong(48)).as("attr.size").isEqualTo(12);
        assertThat(out.getInt(40 + 52)).as("attr.mtimensec").isEqualTo(7);
        assertThat(out.getInt(40 + 60)).as("attr.mode").isEqualTo(0100644);
        assertThat(out.getInt(40 + 64)).as("attr.nlink").isEqualTo(1);
    }

    @Test
    void direntsAreAlignedToEightBytesAndRefusedWhenTheyDoNotFit() {
        ByteBuffer out = buffer(64);
        byte[] name = "abc".getBytes(StandardCharsets.US_ASCII);
        assertThat(Replies.direntSize(3)).isEqualTo(32);
        assertThat(Replies.direntSize(8)).isEqualTo(32);
        assertThat(Replies.direntSize(9)).isEqualTo(40);
        assertThat(Replies.dirent(out, 0, 64, 9, 32, 8, name, 3)).isEqualTo(32);
        assertThat(out.getLong(0)).isEqualTo(9);
        assertThat(out.getLong(8)).as("off").isEqualTo(32);
        assertThat(out.getInt(16)).as("namelen").isEqualTo(3);
        assertThat(out.getInt(20)).as("type").isEqualTo(8);
        assertThat(out.get(24)).isEqualTo((byte) 'a');
        assertThat(out.get(27)).as("padding").isZero();
        assertThat(Replies.dirent(out, 40, 64, 9, 72, 8, name, 3)).as("does not fit").isZero();
    }

    @Test
    void decodesALockRequestAndEncodesTheLockFound() {
        ByteBuffer in = buffer(48);
        in.putLong(0, 7).putLong(8, 0xABCDL).putLong(16, 100).putLong(24, Long.MAX_VALUE).putInt(32, 1)
            .putInt(36, 4242).putInt(40, Requests.Lk.FLOCK);
        Requests.Lk lk = Requests.Lk.decode(new Body().reset(in, 0, 48)); // sizeof(struct fuse_lk_in)
        assertThat(lk).isEqualTo(new Requests.Lk(7, 0xABCDL, 100, Long.MAX_VALUE, 1, 4242, Requests.Lk.FLOCK));
        assertThatExceptionOfType(MalformedRequestException.class)
            .isThrownBy(() -> Requests.Lk.decode(new Body().reset(in, 0, 40)));
        ByteBuffer out = buffer(Replies.LK_OUT_SIZE);
        assertThat(Replies.lk(out, 0, 5, 14, 1, 99)).isEqualTo(24); // sizeof(struct fuse_lk_out)
        assertThat(out.getLong(0)).isEqualTo(5);
        assertThat(out.getLong(8)).isEqualTo(14);
        assertThat(out.getInt(16)).isEqualTo(1);
        assertThat(out.getInt(20)).isEqualTo(99);
    }

    @Test
    void decodesAnLseekAndEncodesTheOffsetFound() {
        ByteBuffer in = buffer(24);
        in.putLong(0, 0x1234L).putLong(8, 4096).putInt(16, 4); // SEEK_HOLE
        Requests.Lseek lseek = Requests.Lseek.decode(new Body().reset(in, 0, 24)); // sizeof(struct fuse_lseek_in)
        assertThat(lseek).isEqualTo(new Requests.Lseek(0x1234L, 4096, 4));
        assertThatExceptionOfType(MalformedRequestException.class)
            .isThrownBy(() -> Requests.Lseek.decode(new Body().reset(in, 0, 20)));
        ByteBuffer out = buffer(Replies.LSEEK_OUT_SIZE);
        assertThat(Replies.lseek(out, 0, 1L << 33)).isEqualTo(8); // sizeof(struct fuse_lseek_out)
        assertThat(out.getLong(0)).isEqualTo(1L << 33);
    }

    @Test
    void decodesACopyFileRangeAndEncodesTheBytesCopiedAsAWriteOut() {
        ByteBuffer in = buffer(56);
        in.putLong(0, 11).putLong(8, 100).putLong(16, 42).putLong(24, 12).putLong(32, 200).putLong(40, 0xFFFFF000L)
            .putLong(48, 0);
        Requests.CopyFileRange copy = Requests.CopyFileRange.decode(new Body().reset(in, 0, 56)); // sizeof(struct fuse_copy_file_range_in)
        assertThat(copy).isEqualTo(new Requests.CopyFileRange(11, 100, 42, 12, 200, 0xFFFFF000L, 0));
        assertThatExceptionOfType(MalformedRequestException.class)
            .isThrownBy(() -> Requests.CopyFileRange.decode(new Body().reset(in, 0, 48)));
        ByteBuffer out = buffer(Replies.WRITE_OUT_SIZE).putInt(4, -1);
        assertThat(Replies.write(out, 0, (int) 0xFFFFF000L)).isEqualTo(8); // sizeof(struct fuse_write_out)
        assertThat(Integer.toUnsignedLong(out.getInt(0))).isEqualTo(0xFFFFF000L);
        assertThat(out.getInt(4)).as("padding").isZero();
    }

    @Test
    void decodesRename2WithItsFlags() {
        ByteBuffer in = buffer(32);
        in.putLong(0, 9).putInt(8, 2).put(16, (byte) 'a').put(18, (byte) 'b'); // fuse_rename2_in + "a\0b\0"
        Requests.Rename rename = Requests.Rename.decode(new Body().reset(in, 0, 20), true);
        assertThat(rename).isEqualTo(new Requests.Rename(9, 2, "a", "b"));
    }

    @Test
    void namesFlagsForLogsAndTheEndpoint() {
        assertThat(InitFlags.names(InitFlags.ASYNC_READ | InitFlags.MAX_PAGES | InitFlags.SECURITY_CTX))
            .containsExactly("ASYNC_READ", "MAX_PAGES", "SECURITY_CTX");
        assertThat(Opcode.name(Opcode.BATCH_FORGET)).isEqualTo("BATCH_FORGET");
        assertThat(Opcode.name(4096)).isEqualTo("OPCODE_4096");
        assertThat(Opcode.isNoReply(Opcode.FORGET)).isTrue();
        assertThat(Opcode.isNoReply(Opcode.LOOKUP)).isFalse();
    }

}
