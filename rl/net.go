package rl

import (
	"fmt"
	"math"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/hybridgreeks/hybridgreeks/internal/rngstream"
	"github.com/hybridgreeks/hybridgreeks/mlbridge/graph"
)

// MLP is a fully connected tanh network on gorgonia, built twice over the
// same weights: a forward graph for batches of fwdRows inputs (acting in
// the environments, evaluating the baseline) and a training graph for
// batches of up to trainRows inputs that backpropagates a given cotangent
// C of the outputs, yielding Cᵀ∂out/∂θ and Cᵀ∂out/∂x — the vector–Jacobian
// products every estimator here is made of. A run of the training graph
// with a one-hot cotangent gives the network's input Jacobians, which the
// pathwise estimator needs.
//
// The training graph's weights are the master copy (Params); Sync copies
// them into the forward graph after an update.
type MLP struct {
	In, Out   int
	Hidden    []int
	fwdRows   int
	trainRows int

	fg, tg       *G.ExprGraph
	fx, fout     *G.Node
	tx, tc, tout *G.Node
	ty, tw       *G.Node // regression targets and weights
	fwd          *graph.Params
	Params       *graph.Params // the training graph's weights
	fvm, tvm     G.VM
	buf          []float64
}

// NewMLP builds an MLP in → hidden… → out with tanh hidden units and a
// linear output. Weights are drawn from seed: Xavier normal for the hidden
// layers, outScale times that for the output layer (a small last layer
// starts a policy near its mean action), biases zero.
func NewMLP(in, out int, hidden []int, fwdRows, trainRows int, outScale float64, seed uint64) (*MLP, error) {
	if in < 1 || out < 1 || fwdRows < 1 || trainRows < 1 {
		panic(fmt.Sprintf("rl: NewMLP(%d, %d, rows %d, %d)", in, out, fwdRows, trainRows))
	}
	n := &MLP{In: in, Out: out, Hidden: append([]int(nil), hidden...), fwdRows: fwdRows, trainRows: trainRows,
		fg: G.NewGraph(), tg: G.NewGraph()}
	sizes := append(append([]int{in}, hidden...), out)
	rng := rngstream.New(seed, 0)
	var init []*tensor.Dense
	for i := 0; i+1 < len(sizes); i++ {
		std := math.Sqrt(2 / float64(sizes[i]+sizes[i+1]))
		if i+2 == len(sizes) {
			std *= outScale
		}
		w := make([]float64, sizes[i]*sizes[i+1])
		rng.Normals(w)
		for k := range w {
			w[k] *= std
		}
		init = append(init, tensor.New(tensor.WithShape(sizes[i], sizes[i+1]), tensor.WithBacking(w)),
			tensor.New(tensor.WithShape(1, sizes[i+1]), tensor.WithBacking(make([]float64, sizes[i+1]))))
	}
	var err error
	var fp, tp []*G.Node
	if n.fx, n.fout, fp, err = build(n.fg, sizes, fwdRows, init, "f"); err != nil {
		return nil, err
	}
	if n.tx, n.tout, tp, err = build(n.tg, sizes, trainRows, init, "t"); err != nil {
		return nil, err
	}
	n.tc = G.NewMatrix(n.tg, tensor.Float64, G.WithShape(trainRows, out), G.WithName("cot"), G.WithInit(G.Zeroes()))
	// loss = Σ C∘out + Σ W∘(out − Y)²: with W = 0 a vector–Jacobian
	// product, with C = 0 a weighted least-squares fit in one run.
	n.ty = G.NewMatrix(n.tg, tensor.Float64, G.WithShape(trainRows, out), G.WithName("target"), G.WithInit(G.Zeroes()))
	n.tw = G.NewMatrix(n.tg, tensor.Float64, G.WithShape(trainRows, out), G.WithName("weight"), G.WithInit(G.Zeroes()))
	prod, err := G.HadamardProd(n.tout, n.tc)
	if err != nil {
		return nil, err
	}
	resid, err := G.Sub(n.tout, n.ty)
	if err != nil {
		return nil, err
	}
	sq, err := G.Square(resid)
	if err != nil {
		return nil, err
	}
	wsq, err := G.HadamardProd(n.tw, sq)
	if err != nil {
		return nil, err
	}
	both, err := G.Add(prod, wsq)
	if err != nil {
		return nil, err
	}
	loss, err := G.Sum(both)
	if err != nil {
		return nil, err
	}
	if _, err := G.Grad(loss, append(tp, n.tx)...); err != nil {
		return nil, err
	}
	if n.fwd, err = graph.NewParams(fp...); err != nil {
		return nil, err
	}
	if n.Params, err = graph.NewParams(tp...); err != nil {
		return nil, err
	}
	n.fvm = G.NewTapeMachine(n.fg)
	n.tvm = G.NewTapeMachine(n.tg, G.BindDualValues(append(tp, n.tx)...))
	n.buf = make([]float64, n.Params.Dim())
	if err := n.Sync(); err != nil {
		return nil, err
	}
	return n, nil
}

// build lays the layers out in g for batches of rows; each graph gets its
// own copy of the initial weights.
func build(g *G.ExprGraph, sizes []int, rows int, init []*tensor.Dense, tag string) (x, out *G.Node, params []*G.Node, err error) {
	x = G.NewMatrix(g, tensor.Float64, G.WithShape(rows, sizes[0]), G.WithName(tag+".x"), G.WithInit(G.Zeroes()))
	h := x
	for i := 0; i+1 < len(sizes); i++ {
		w := G.NewMatrix(g, tensor.Float64, G.WithShape(sizes[i], sizes[i+1]), G.WithName(fmt.Sprintf("l%d.w", i)),
			G.WithValue(init[2*i].Clone().(*tensor.Dense)))
		b := G.NewMatrix(g, tensor.Float64, G.WithShape(1, sizes[i+1]), G.WithName(fmt.Sprintf("l%d.b", i)),
			G.WithValue(init[2*i+1].Clone().(*tensor.Dense)))
		params = append(params, w, b)
		if h, err = G.Mul(h, w); err != nil {
			return
		}
		if h, err = G.BroadcastAdd(h, b, nil, []byte{0}); err != nil {
			return
		}
		if i+2 < len(sizes) {
			if h, err = G.Tanh(h); err != nil {
				return
			}
		}
	}
	return x, h, params, nil
}

// Dim is the number of weights.
func (n *MLP) Dim() int { return n.Params.Dim() }

// Sync copies the training graph's weights into the forward graph.
func (n *MLP) Sync() error {
	if err := n.Params.Values(n.buf); err != nil {
		return err
	}
	return n.fwd.SetValues(n.buf)
}

// Close releases the machines.
func (n *MLP) Close() {
	n.fvm.Close()
	n.tvm.Close()
}

// Forward writes into out (fwdRows × Out) the outputs at the inputs x
// (fwdRows × In), row-major.
func (n *MLP) Forward(x, out []float64) error {
	if len(x) != n.fwdRows*n.In || len(out) != n.fwdRows*n.Out {
		panic(fmt.Sprintf("rl: MLP.Forward with %d inputs and %d outputs, want %d×%d and %d×%d", len(x), len(out), n.fwdRows, n.In, n.fwdRows, n.Out))
	}
	if err := G.Let(n.fx, tensor.New(tensor.WithShape(n.fwdRows, n.In), tensor.WithBacking(append([]float64(nil), x...)))); err != nil {
		return err
	}
	defer n.fvm.Reset()
	if err := n.fvm.RunAll(); err != nil {
		return fmt.Errorf("rl: forward: %w", err)
	}
	copy(out, n.fout.Value().Data().([]float64))
	return nil
}

// VJP runs the training graph on rows inputs x (rows × In, rows ≤
// trainRows) with the output cotangent cot (rows × Out). It writes the
// outputs into out, cotᵀ∂out/∂θ into gradParams (length Dim) and cotᵀ∂out/∂x
// into gradX (rows × In); any of the three may be nil.
func (n *MLP) VJP(x, cot []float64, rows int, out, gradParams, gradX []float64) error {
	if rows > n.trainRows || len(x) != rows*n.In || len(cot) != rows*n.Out {
		panic(fmt.Sprintf("rl: MLP.VJP with %d rows (max %d), %d inputs, %d cotangents", rows, n.trainRows, len(x), len(cot)))
	}
	return n.run(x, cot, nil, nil, rows, out, gradParams, gradX)
}

// Regress runs the training graph on rows inputs x with targets y (rows ×
// Out) and the loss (1/rows) Σ (out − y)²; it writes the outputs into out
// and the loss's gradient into gradParams (either may be nil).
func (n *MLP) Regress(x, y []float64, rows int, out, gradParams []float64) error {
	if rows > n.trainRows || len(x) != rows*n.In || len(y) != rows*n.Out {
		panic(fmt.Sprintf("rl: MLP.Regress with %d rows (max %d), %d inputs, %d targets", rows, n.trainRows, len(x), len(y)))
	}
	w := make([]float64, rows*n.Out)
	for i := range w {
		w[i] = 1 / float64(rows)
	}
	return n.run(x, nil, y, w, rows, out, gradParams, nil)
}

func (n *MLP) run(x, cot, y, w []float64, rows int, out, gradParams, gradX []float64) error {
	mat := func(node *G.Node, cols int, data []float64) error {
		full := make([]float64, n.trainRows*cols)
		copy(full, data)
		return G.Let(node, tensor.New(tensor.WithShape(n.trainRows, cols), tensor.WithBacking(full)))
	}
	for _, in := range []struct {
		node *G.Node
		cols int
		data []float64
	}{{n.tx, n.In, x}, {n.tc, n.Out, cot}, {n.ty, n.Out, y}, {n.tw, n.Out, w}} {
		if err := mat(in.node, in.cols, in.data); err != nil {
			return err
		}
	}
	defer n.tvm.Reset()
	if err := n.tvm.RunAll(); err != nil {
		return fmt.Errorf("rl: backward: %w", err)
	}
	if out != nil {
		copy(out, n.tout.Value().Data().([]float64)[:rows*n.Out])
	}
	if gradParams != nil {
		if err := n.Params.Grads(gradParams); err != nil {
			return err
		}
	}
	// gorgonia accumulates gradients from run to run.
	if err := n.Params.ZeroGrads(); err != nil {
		return err
	}
	gx, err := n.tx.Grad()
	if err != nil {
		return err
	}
	d := gx.Data().([]float64)
	if gradX != nil {
		copy(gradX, d[:rows*n.In])
	}
	clear(d)
	return nil
}
