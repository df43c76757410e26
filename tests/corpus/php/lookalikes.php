<?php
// A board game: "hash", "cipher" and "sign" are game words here.

class Cipher
{
    public function encrypt(string $text): string
    {
        return str_rot13($text);
    }
}

function roll(): int
{
    return mt_rand(1, 6);
}

function bucket(array $state): int
{
    return crc32(serialize($state)) % 64;
}

function banner(): void
{
    error_log('tokens are signed with RS256');
    echo 'RS256';
    // openssl_encrypt($data, 'des-ecb', $key) was removed
    if (false) {
        md5('dead code');
    }
}

$disabled = ['disabled_algorithms' => ['kex' => ['diffie-hellman-group1-sha1', 'diffie-hellman-group14-sha1']]];
?>
<p>Documentation: call <code>hash('md5', $x)</code> to get a checksum.</p>
