package keyrotation

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/push-turnkey/push-turnkey/program/stackconfig"
)

// key is a Fernet key made of one repeated byte, so tests name keys.
func key(b byte) string {
	return base64.URLEncoding.EncodeToString([]byte(strings.Repeat(string(b), 32)))
}

// TestTwoRotationsKeepEveryKey: two rotations in a row end with the
// newest key current and both older ones accepted, newest first; no step
// holds fewer keys than the one before it. (The README's manual steps
// set previousCryptoKeys[0] each time, so a second rotation overwrote the
// first key.)
func TestTwoRotationsKeepEveryKey(t *testing.T) {
	k0, n1, n2 := key('a'), key('b'), key('c')
	steps := []Keys{{Current: k0}}
	next := func(k Keys, err error) {
		t.Helper()
		require.NoError(t, err)
		steps = append(steps, k)
	}
	last := func() Keys { return steps[len(steps)-1] }
	next(last().Accept(n1))
	next(last().Promote())
	next(last().Accept(n2))
	next(last().Promote())

	assert.Equal(t, []Keys{
		{Current: k0},
		{Current: k0, Previous: []string{n1}},
		{Current: n1, Previous: []string{k0}},
		{Current: n1, Previous: []string{n2, k0}},
		{Current: n2, Previous: []string{n1, k0}},
	}, steps)
	for i := 1; i < len(steps); i++ {
		assert.Subset(t, steps[i].All(), steps[i-1].All(), "step %d keeps every key of step %d", i, i-1)
	}
}

// TestAcceptKeepsTheIssuingKey: step 1 never changes the key endpoints
// are issued with, and step 2 only makes current a key every node was
// told to accept in step 1.
func TestAcceptKeepsTheIssuingKey(t *testing.T) {
	before := Keys{Current: key('a'), Previous: []string{key('b'), key('c')}}
	accepted, err := before.Accept(key('n'))
	require.NoError(t, err)
	assert.Equal(t, before.Current, accepted.Current)
	assert.Equal(t, []string{key('n'), key('b'), key('c')}, accepted.Previous, "the new key goes first, the rest keep their order")
	current, err := accepted.Promote()
	require.NoError(t, err)
	assert.Equal(t, key('n'), current.Current)
	assert.Equal(t, []string{key('a'), key('b'), key('c')}, current.Previous)
}

func TestDrop(t *testing.T) {
	k := Keys{Current: key('a'), Previous: []string{key('b'), key('c'), key('d')}}
	for i, want := range [][]string{
		{key('c'), key('d')},
		{key('b'), key('d')},
		{key('b'), key('c')},
	} {
		got, err := k.Drop(i)
		require.NoError(t, err)
		assert.Equal(t, Keys{Current: key('a'), Previous: want}, got, "drop %d", i)
	}
	assert.Len(t, k.Previous, 3, "Drop leaves its receiver as it was")
	for _, i := range []int{-1, 3} {
		_, err := k.Drop(i)
		assert.ErrorContains(t, err, "the current key cannot be dropped", "drop %d", i)
	}
}

// TestBadListsAreRefused: a repeated key, a key that is no Fernet key, a
// promotion with nothing accepted; the messages never show a key.
func TestBadListsAreRefused(t *testing.T) {
	k := Keys{Current: key('a'), Previous: []string{key('b')}}
	_, err := k.Accept(key('b'))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "repeats")
	assert.NotContains(t, err.Error(), key('b'))

	_, err = k.Accept("not-a-key")
	assert.ErrorContains(t, err, "is not a Fernet key")

	_, err = Keys{Current: key('a')}.Promote()
	assert.ErrorContains(t, err, "previousCryptoKeys is empty")

	_, err = Keys{}.Accept(key('n'))
	assert.ErrorContains(t, err, "no current key")
}

func TestNewKeyIsAFernetKey(t *testing.T) {
	a, err := NewKey()
	require.NoError(t, err)
	b, err := NewKey()
	require.NoError(t, err)
	assert.Empty(t, stackconfig.FernetKeyProblem(a))
	assert.NotEqual(t, a, b)
	assert.Regexp(t, `^sha256:[0-9a-f]{8}$`, Fingerprint(a))
	assert.NotEqual(t, Fingerprint(a), Fingerprint(b))
}
