package vae

import (
	"fmt"
	"math"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/hybridgreeks/hybridgreeks/internal/rngstream"
	"github.com/hybridgreeks/hybridgreeks/mlbridge/graph"
)

// Arch is the network's shape. The default is the paper's: 32×32 images,
// encoder Conv(32, 64, 128, 256; kernel 4, stride 2, padding 1)+ReLU, FC
// 256+ReLU, heads μ and log σ² of Latent; decoder FC 256+ReLU, FC to
// 256×2×2+ReLU, then four stages of 2× nearest-neighbour upsampling and a
// 3×3 convolution (stride 1, padding 1), ReLU between, the last giving the
// Bernoulli logits. gorgonia has no transposed convolution; upsampling +
// convolution is the standard replacement. Convolutions carry no bias (the
// ReLU layers' biases are in the fully connected layers). The encoder's
// convolutions are convOp (gorgonia's Conv2d without its whole-batch
// im2col matrices on the tape), the decoder's stages upconvOp (upsampling
// and convolution in the sub-pixel form: 2.25× fewer multiply-adds).
type Arch struct {
	Channels int   // image channels: 1 (Fashion-MNIST, padded to 32×32) or 3 (CIFAR-10)
	Side     int   // image side: 32
	Conv     []int // encoder channels; the decoder mirrors them
	Hidden   int   // the fully connected width
	Latent   int   // latent size
}

// PaperArch returns the paper's architecture for images of c channels.
func PaperArch(c int) Arch {
	return Arch{Channels: c, Side: 32, Conv: []int{32, 64, 128, 256}, Hidden: 256, Latent: 128}
}

func (a Arch) validate() error {
	s := a.Side
	for range a.Conv {
		if s%2 != 0 {
			return fmt.Errorf("vae: side %d is not divisible by 2^%d", a.Side, len(a.Conv))
		}
		s /= 2
	}
	if a.Channels < 1 || a.Hidden < 1 || a.Latent < 1 || len(a.Conv) == 0 || s < 1 {
		return fmt.Errorf("vae: bad architecture %+v", a)
	}
	return nil
}

// Net is the VAE's two graphs for a fixed batch size: the encoder, whose
// backward pass takes the cotangents at (μ, log σ²), and the decoder, whose
// backward pass gives the pathwise decoder gradient and ∇_z f.
type Net struct {
	Arch  Arch
	Batch int
	Dtype tensor.Dtype // tensor.Float64, or tensor.Float32 (TrainConfig.Float32)

	enc, dec         *G.ExprGraph
	x, cmu, cs       *G.Node // encoder inputs: images, cotangents
	mu, s            *G.Node // encoder outputs
	z, xt, perEx     *G.Node // decoder input, target, per-example loss f_i
	Encoder, Decoder *graph.Params
	encFwd, encFull  G.VM
	decFull          G.VM

	// Input buffers, rewritten by each call: the images (encoder and
	// decoder), the latents, the cotangents.
	xEnc, xDec, zBuf, cmBuf, csBuf *tensor.Dense
	cmF, csF                       []float64
}

// NewNet builds the graphs for batches of b images and initializes the
// weights from seed: Kaiming normal (std √(2/fan-in)) for the layers that
// feed a ReLU, Xavier normal (std √(2/(fan-in + fan-out))) for the heads and
// the logits.
func NewNet(a Arch, b int, seed uint64) (*Net, error) {
	return newNet(a, b, seed, tensor.Float64)
}

// newNet is NewNet with the graphs' dtype: float64, or float32, whose
// weights start as the float64 ones rounded.
func newNet(a Arch, b int, seed uint64, dt tensor.Dtype) (*Net, error) {
	if err := a.validate(); err != nil {
		return nil, err
	}
	tensor.DontUsePool() // see release
	n := &Net{Arch: a, Batch: b, Dtype: dt, enc: G.NewGraph(), dec: G.NewGraph()}
	img := tensor.Shape{b, a.Channels, a.Side, a.Side}
	n.xEnc, n.xDec = tensor.New(tensor.Of(dt), tensor.WithShape(img...)), tensor.New(tensor.Of(dt), tensor.WithShape(img...))
	n.zBuf = tensor.New(tensor.Of(dt), tensor.WithShape(b, a.Latent))
	n.cmBuf, n.csBuf = tensor.New(tensor.Of(dt), tensor.WithShape(b, a.Latent)), tensor.New(tensor.Of(dt), tensor.WithShape(b, a.Latent))
	n.cmF, n.csF = make([]float64, b*a.Latent), make([]float64, b*a.Latent)
	init := &initializer{rng: rngstream.New(seed, 0)}
	var err error
	if err = n.buildEncoder(init); err != nil {
		return nil, err
	}
	if err = n.buildDecoder(init); err != nil {
		return nil, err
	}
	// gorgonia's tape machine has no forward-only mode (ExecuteFwdOnly is
	// not implemented for it), so Encode runs a second machine on the
	// subgraph that computes μ and s: the same nodes and weights, without
	// the backward pass.
	n.encFull = G.NewTapeMachine(n.enc, G.BindDualValues(n.Encoder.Nodes()...))
	n.encFwd = G.NewTapeMachine(n.enc.SubgraphRoots(n.mu, n.s))
	n.decFull = G.NewTapeMachine(n.dec, G.BindDualValues(append(n.Decoder.Nodes(), n.z)...))
	return n, nil
}

// Close releases the machines.
func (n *Net) Close() {
	for _, m := range []G.VM{n.encFwd, n.encFull, n.decFull} {
		if m != nil {
			m.Close()
		}
	}
}

// upsampleThenConvolve builds the decoder's stages as upsample2x followed
// by convOp, the graph the golden trace before the sub-pixel form was
// written with; tests set it to compare the two.
var upsampleThenConvolve = false

type initializer struct{ rng *rngstream.Stream }

func (in *initializer) normal(shape tensor.Shape, std float64) *tensor.Dense {
	data := make([]float64, shape.TotalSize())
	in.rng.Normals(data)
	for i := range data {
		data[i] *= std
	}
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(data))
}

func (n *Net) param(g *G.ExprGraph, name string, shape tensor.Shape, std float64, in *initializer) *G.Node {
	var v *tensor.Dense
	if std == 0 {
		v = tensor.New(tensor.WithShape(shape...), tensor.WithBacking(make([]float64, shape.TotalSize())))
	} else {
		v = in.normal(shape, std)
	}
	if n.Dtype == tensor.Float32 {
		v = fill(tensor.New(tensor.Of(tensor.Float32), tensor.WithShape(shape...)), v.Data().([]float64))
	}
	return G.NewTensor(g, n.Dtype, len(shape), G.WithShape(shape...), G.WithName(name), G.WithValue(v))
}

// dense is x·W + b for x of shape (B, in).
func (n *Net) dense(g *G.ExprGraph, x *G.Node, name string, in, out int, std float64, init *initializer, params *[]*G.Node) (*G.Node, error) {
	w := n.param(g, name+".w", tensor.Shape{in, out}, std, init)
	b := n.param(g, name+".b", tensor.Shape{1, out}, 0, init)
	*params = append(*params, w, b)
	xw, err := G.Mul(x, w)
	if err != nil {
		return nil, err
	}
	return G.BroadcastAdd(xw, b, nil, []byte{0})
}

func (n *Net) buildEncoder(init *initializer) error {
	a, g, B := n.Arch, n.enc, n.Batch
	n.x = G.NewTensor(g, n.Dtype, 4, G.WithShape(B, a.Channels, a.Side, a.Side), G.WithName("x"), G.WithInit(G.Zeroes()))
	var params []*G.Node
	h, c, side := n.x, a.Channels, a.Side
	var err error
	for i, out := range a.Conv {
		w := n.param(g, fmt.Sprintf("enc.conv%d", i), tensor.Shape{out, c, 4, 4}, math.Sqrt(2/float64(c*16)), init)
		params = append(params, w)
		if h, err = convolve(h, w, 2, 1); err != nil { // Conv2d(h, w, 4×4, pad 1, stride 2) without its im2col tape
			return err
		}
		if h, err = relu(h); err != nil {
			return err
		}
		c, side = out, side/2
	}
	flat := c * side * side
	if h, err = G.Reshape(h, tensor.Shape{B, flat}); err != nil {
		return err
	}
	if h, err = n.dense(g, h, "enc.fc", flat, a.Hidden, math.Sqrt(2/float64(flat)), init, &params); err != nil {
		return err
	}
	if h, err = relu(h); err != nil {
		return err
	}
	xavier := math.Sqrt(2 / float64(a.Hidden+a.Latent))
	if n.mu, err = n.dense(g, h, "enc.mu", a.Hidden, a.Latent, xavier, init, &params); err != nil {
		return err
	}
	if n.s, err = n.dense(g, h, "enc.logvar", a.Hidden, a.Latent, xavier, init, &params); err != nil {
		return err
	}
	// The surrogate Σ ⟨cμ, μ⟩ + ⟨cs, s⟩: its gradient is the encoder's
	// vector–Jacobian product with the given cotangents.
	n.cmu = G.NewMatrix(g, n.Dtype, G.WithShape(B, a.Latent), G.WithName("cmu"), G.WithInit(G.Zeroes()))
	n.cs = G.NewMatrix(g, n.Dtype, G.WithShape(B, a.Latent), G.WithName("cs"), G.WithInit(G.Zeroes()))
	t1, err := G.HadamardProd(n.mu, n.cmu)
	if err != nil {
		return err
	}
	t2, err := G.HadamardProd(n.s, n.cs)
	if err != nil {
		return err
	}
	sum, err := G.Add(G.Must(G.Sum(t1)), G.Must(G.Sum(t2)))
	if err != nil {
		return err
	}
	if _, err := G.Grad(sum, params...); err != nil {
		return err
	}
	n.Encoder, err = graph.NewParams(params...)
	return err
}

func (n *Net) buildDecoder(init *initializer) error {
	a, g, B := n.Arch, n.dec, n.Batch
	n.z = G.NewMatrix(g, n.Dtype, G.WithShape(B, a.Latent), G.WithName("z"), G.WithInit(G.Zeroes()))
	n.xt = G.NewTensor(g, n.Dtype, 4, G.WithShape(B, a.Channels, a.Side, a.Side), G.WithName("target"), G.WithInit(G.Zeroes()))
	var params []*G.Node
	side := a.Side >> len(a.Conv)
	top := a.Conv[len(a.Conv)-1]
	flat := top * side * side
	h, err := n.dense(g, n.z, "dec.fc1", a.Latent, a.Hidden, math.Sqrt(2/float64(a.Latent)), init, &params)
	if err != nil {
		return err
	}
	if h, err = relu(h); err != nil {
		return err
	}
	if h, err = n.dense(g, h, "dec.fc2", a.Hidden, flat, math.Sqrt(2/float64(a.Hidden)), init, &params); err != nil {
		return err
	}
	if h, err = relu(h); err != nil {
		return err
	}
	if h, err = G.Reshape(h, tensor.Shape{B, top, side, side}); err != nil {
		return err
	}
	c := top
	for i := len(a.Conv) - 1; i >= 0; i-- {
		out := a.Channels
		if i > 0 {
			out = a.Conv[i-1]
		}
		std := math.Sqrt(2 / float64(c*9))
		if i == 0 {
			std = math.Sqrt(2 / float64(c*9+out*9))
		}
		w := n.param(g, fmt.Sprintf("dec.conv%d", i), tensor.Shape{out, c, 3, 3}, std, init)
		params = append(params, w)
		// upsample2x then a 3×3 convolution, in the sub-pixel form
		if upsampleThenConvolve {
			if h, err = upsample(h); err == nil {
				h, err = convolve(h, w, 1, 1)
			}
		} else {
			h, err = upconvolve(h, w)
		}
		if err != nil {
			return err
		}
		if i > 0 {
			if h, err = relu(h); err != nil {
				return err
			}
		}
		c = out
	}
	// Bernoulli log-likelihood with logits l: −log p(x|z) = Σ softplus(l) − x·l.
	sp, err := G.Softplus(h)
	if err != nil {
		return err
	}
	xl, err := G.HadamardProd(n.xt, h)
	if err != nil {
		return err
	}
	bce, err := G.Sub(sp, xl)
	if err != nil {
		return err
	}
	if n.perEx, err = G.Sum(bce, 1, 2, 3); err != nil {
		return err
	}
	total, err := G.Sum(n.perEx)
	if err != nil {
		return err
	}
	if _, err := G.Grad(total, append(params, n.z)...); err != nil {
		return err
	}
	n.Decoder, err = graph.NewParams(params...)
	return err
}

// Encode runs the encoder forward on the images x (B × C × H × W values)
// and returns copies of μ and s = log σ² (B × L each).
func (n *Net) Encode(x []float64) (mu, s []float64, err error) {
	if err := G.Let(n.x, fill(n.xEnc, x)); err != nil {
		return nil, nil, err
	}
	if err := n.encFwd.RunAll(); err != nil {
		return nil, nil, fmt.Errorf("vae: encoder: %w", err)
	}
	defer n.release(n.enc, n.encFwd)
	return copyValue(n.mu), copyValue(n.s), nil
}

// EncoderBackward runs the encoder forward and backward with the cotangents
// at (μ, s) (B × 2L, each example's μ part then its s part), leaving the
// encoder's parameter gradients in n.Encoder.
func (n *Net) EncoderBackward(x, cot []float64) error {
	B, L := n.Batch, n.Arch.Latent
	cm, cs := n.cmF, n.csF
	for i := range B {
		copy(cm[i*L:(i+1)*L], cot[i*2*L:i*2*L+L])
		copy(cs[i*L:(i+1)*L], cot[i*2*L+L:(i+1)*2*L])
	}
	for _, p := range []struct {
		n *G.Node
		v tensor.Tensor
	}{{n.x, fill(n.xEnc, x)}, {n.cmu, fill(n.cmBuf, cm)}, {n.cs, fill(n.csBuf, cs)}} {
		if err := G.Let(p.n, p.v); err != nil {
			return err
		}
	}
	if err := n.encFull.RunAll(); err != nil {
		return fmt.Errorf("vae: encoder backward: %w", err)
	}
	n.release(n.enc, n.encFull)
	return nil
}

// Decode runs the decoder forward and backward at z (B × L) against the
// images x; it returns the per-example losses f_i = −log p(x_i|z_i) and
// ∇_z f (B × L), and leaves the decoder's pathwise gradients in n.Decoder.
func (n *Net) Decode(z, x []float64) (f, gradZ []float64, err error) {
	if err := G.Let(n.z, fill(n.zBuf, z)); err != nil {
		return nil, nil, err
	}
	if err := G.Let(n.xt, fill(n.xDec, x)); err != nil {
		return nil, nil, err
	}
	if err := n.decFull.RunAll(); err != nil {
		return nil, nil, fmt.Errorf("vae: decoder: %w", err)
	}
	defer n.release(n.dec, n.decFull)
	f = copyValue(n.perEx)
	gv, err := n.z.Grad()
	if err != nil {
		return nil, nil, err
	}
	gradZ = floats64(gv.Data())
	switch d := gv.Data().(type) { // gorgonia accumulates into it
	case []float64:
		clear(d)
	case []float32:
		clear(d)
	}
	return f, gradZ, nil
}

// release resets the machine and drops the values of g's intermediate
// nodes: the decoder's hold over a gigabyte at batch 128 (the im2col
// matrices and their gradients), which gorgonia otherwise keeps bound to
// the nodes until the next run overwrites them. The weights, their
// gradients and the inputs are input nodes and stay.
//
// Unbinding hands the values to the tensor package's pool of *Dense
// headers, which would receive twice a header that two nodes share (a
// reshape done in place binds its input's header to both) and later lend
// it twice; NewNet therefore turns that pool off (tensor.DontUsePool),
// process-wide: it saves a small header allocation per op, nothing that
// shows beside the step's matrix products.
func (n *Net) release(g *G.ExprGraph, m G.VM) {
	m.Reset()
	g.UnbindAllNonInputs()
}

// fill copies src into t's backing slice (which src must fill), rounding
// to float32 for a float32 tensor, and returns t.
func fill(t *tensor.Dense, src []float64) *tensor.Dense {
	if t.DataSize() != len(src) {
		panic(fmt.Sprintf("vae: %d values for a tensor of %d", len(src), t.DataSize()))
	}
	switch d := t.Data().(type) {
	case []float64:
		copy(d, src)
	case []float32:
		for i, v := range src {
			d[i] = float32(v)
		}
	default:
		panic(fmt.Sprintf("vae: fill of a %v tensor", t.Dtype()))
	}
	return t
}

// floats64 returns a float64 copy of a float64 or float32 backing slice.
func floats64(data any) []float64 {
	switch d := data.(type) {
	case []float64:
		return append([]float64(nil), d...)
	case []float32:
		out := make([]float64, len(d))
		for i, v := range d {
			out[i] = float64(v)
		}
		return out
	}
	panic(fmt.Sprintf("vae: data of type %T", data))
}

func copyValue(n *G.Node) []float64 { return floats64(n.Value().Data()) }
