package corpus;

import org.apache.commons.codec.digest.DigestUtils;
import com.google.common.hash.Hashing;

class Digests {
    String etag(byte[] body) {
        return DigestUtils.md5Hex(body);
    }

    String legacy(String s) {
        return DigestUtils.sha1Hex(s);
    }

    String modern(String s) {
        return DigestUtils.sha256Hex(s);
    }

    long guava(byte[] b) {
        return Hashing.md5().hashBytes(b).asLong();
    }
}
