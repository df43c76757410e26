<?php
// openssl_pkey_new(['private_key_bits' => 512]) in a comment
$rsa = openssl_pkey_new([
    'private_key_type' => OPENSSL_KEYTYPE_RSA,
    'private_key_bits' => 1024,
]);
$default = openssl_pkey_new();
$ec = openssl_pkey_new(array('private_key_type' => OPENSSL_KEYTYPE_EC, 'curve_name' => 'prime256v1'));
openssl_sign($data, $signature, $rsa);
openssl_sign($data, $signature, $rsa, OPENSSL_ALGO_SHA256);
openssl_verify($data, $signature, $pub, 'sha256WithRSAEncryption');
openssl_public_encrypt($secret, $crypted, $pub);
$box = openssl_encrypt($plain, 'des-ede3-cbc', $key);
$ok = openssl_encrypt($plain, 'aes-256-gcm', $key, 0, $iv, $tag);
?>
<p>Template text with md5() and openssl_pkey_new() is not code.</p>
