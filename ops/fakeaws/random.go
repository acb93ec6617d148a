package fakeaws

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"math/big"

	"github.com/pulumi/pulumi-random/sdk/v4/go/random"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// randomType is a pulumi-random resource type: its input and output types
// of the pulumi-random Go SDK.
type randomType struct{ args, state sdkType }

// randomTypes are the pulumi-random types the fake random plugin models.
// Every input of each forces a new value (terraform-provider-random marks
// every attribute of random_bytes and random_password RequiresReplace:
// "Changing this forces a new resource" on the pulumi-random registry
// pages), so ReplaceOnChanges derives them from the input types.
var randomTypes = map[string]randomType{
	"random:index/randomBytes:RandomBytes":       {random.RandomBytesArgs{}, random.RandomBytesState{}},
	"random:index/randomPassword:RandomPassword": {random.RandomPasswordArgs{}, random.RandomPasswordState{}},
}

// passwordCharacters are RandomPassword's characters: letters and digits,
// and unless special is false its default special characters (pulumi-random
// SDK, RandomPasswordArgs.Special: "!@#$%&*()-_=+[]{}<>:?").
const (
	passwordLetters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	passwordSpecial = "!@#$%&*()-_=+[]{}<>:?"
)

// RandomOutputs are the state of a new pulumi-random resource of type typ
// with the given inputs: RandomBytes' base64 and hex, RandomPassword's
// result (of length characters), all secret, as the provider marks them.
// The values are drawn from rng: crypto/rand's Reader in the engine
// tests, HashReader in the offline plan (two runs agree).
func RandomOutputs(typ string, inputs resource.PropertyMap, rng io.Reader) (resource.PropertyMap, error) {
	outs := inputs.Copy()
	length := 0
	if l := unwrap(inputs["length"]); l.IsNumber() {
		length = int(l.NumberValue())
	}
	if length <= 0 {
		return nil, fmt.Errorf("%s: length must be a positive number", typ)
	}
	switch typ {
	case "random:index/randomBytes:RandomBytes":
		b := make([]byte, length)
		if _, err := io.ReadFull(rng, b); err != nil {
			return nil, err
		}
		outs["base64"] = resource.MakeSecret(resource.NewProperty(base64.StdEncoding.EncodeToString(b)))
		outs["hex"] = resource.MakeSecret(resource.NewProperty(hex.EncodeToString(b)))
	case "random:index/randomPassword:RandomPassword":
		chars := passwordLetters
		if s := unwrap(inputs["special"]); !s.IsBool() || s.BoolValue() {
			chars += passwordSpecial
		}
		out := make([]byte, length)
		for i := range out {
			n, err := rand.Int(rng, big.NewInt(int64(len(chars))))
			if err != nil {
				return nil, err
			}
			out[i] = chars[n.Int64()]
		}
		outs["result"] = resource.MakeSecret(resource.NewProperty(string(out)))
	default:
		return nil, fmt.Errorf("fake random: type %s is not modelled; add it to ops/fakeaws/random.go", typ)
	}
	return outs, nil
}

// HashReader is an endless stream of bytes that depend only on text: the
// SHA-256 of text, then the SHA-256 of that, and so on.
func HashReader(text string) io.Reader {
	return &hashReader{block: sha256.Sum256([]byte(text))}
}

type hashReader struct {
	block [sha256.Size]byte
	used  int
}

func (h *hashReader) Read(p []byte) (int, error) {
	for n := range p {
		if h.used == len(h.block) {
			h.block, h.used = sha256.Sum256(h.block[:]), 0
		}
		p[n] = h.block[h.used]
		h.used++
	}
	return len(p), nil
}
