// Game engine utilities: nothing here is cryptography.
#include <cstdlib>
#include <functional>
#include <string>
#include <unordered_map>

namespace game {

struct Cipher {
    int shift;
    std::string encrypt(const std::string &s) const
    {
        std::string out = s;
        for (auto &c : out)
            c = static_cast<char>(c + shift);
        return out;
    }
};

std::size_t bucket(const std::string &name)
{
    return std::hash<std::string>{}(name) % 64;
}

int roll()
{
    return std::rand() % 6 + 1;
}

const char *banner()
{
    // SSL_CTX_set_cipher_list(ctx, "RC4-SHA") was removed in 2.0
    return "tokens: RS256, ciphers: AES-256-GCM";
}

#if 0
void old() { MD5(nullptr, 0, nullptr); }
#endif

}  // namespace game
