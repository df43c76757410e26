<?php

/**
 * Signed receipts for the shop front-end.
 *
 * Usage in a template:
 * <code>
 * <?php echo Receipt::token($order); ?>
 * </code>
 * The tag above is part of this comment and does not end the PHP code.
 */

namespace Shop\Billing;

use phpseclib3\Crypt\AES;

final class Receipt
{
    private const HASH = 'sha256';

    public static function token(array $order): string
    {
        $body = json_encode($order);
        return hash_hmac(self::HASH, $body, getenv('RECEIPT_KEY'));
    }

    public static function seal(string $body, string $key): string
    {
        $cipher = new AES('gcm');
        $cipher->setKey($key);
        $cipher->setNonce(random_bytes(12));
        return $cipher->encrypt($body);
    }

    public static function legacyChecksum(string $body): string
    {
        // Old receipts carried an MD5 checksum; kept only to read them.
        return md5($body);
    }
}
?>
<p>Receipts are signed with sha1() in the old shop: this HTML is not code.</p>
<?php
$fingerprint = sha1_file(__FILE__);
