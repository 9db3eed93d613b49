package vae

import (
	"fmt"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// reluOp is the rectifier in one pass over the backing slice, the same map
// as gorgonia's Rectify bit for bit. Rectify builds it from two nodes,
//
//	m = Gte(x, 0)        (1 where x ≥ 0, else 0; a copy of x compared in place)
//	y = x ⊙ m            (a clone of x multiplied)
//
// and its backward pass multiplies by the mask again (∂x = ∂y ⊙ m), each
// step on a fresh full-size tensor: in pprof of the OpenBLAS float32 step
// the copies alone were about a tenth of the time. reluOp computes the
// same products, y = x·m and ∂x = ∂y·m with m ∈ {0, 1} (so a negative x
// gives −0 and a NaN stays NaN, as before), in one pass each.
type reluOp struct{ tensorOp }

// relu applies reluOp to x (any shape).
func relu(x *G.Node) (*G.Node, error) { return G.ApplyOp(&reluOp{tensorOp{"relu", 1}}, x) }

// mask is Rectify's m: 1 where x ≥ 0, else 0. Written so that the
// compiler makes it a set-on-condition, not a branch (the signs of a
// layer's inputs are a coin toss to the branch predictor).
func mask[T float32 | float64](x T) T { return T(b2i(x >= 0)) }

func b2i(b bool) int32 {
	if b {
		return 1
	}
	return 0
}

// reluFwd writes y = x·m(x).
func reluFwd[T float32 | float64](y, x []T) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] = v * mask(v)
	}
}

// reluBwd writes dx = g·m(x).
func reluBwd[T float32 | float64](dx, x, g []T) {
	dx, g = dx[:len(x)], g[:len(x)]
	for i, v := range x {
		dx[i] = g[i] * mask(v)
	}
}

func (op *reluOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	return hm.NewFnType(a, a)
}

func (op *reluOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s, ok := in[0].(tensor.Shape)
	if !ok {
		return nil, fmt.Errorf("vae: relu of %v", in[0])
	}
	return s.Clone(), nil
}

func (op *reluOp) Do(in ...G.Value) (G.Value, error) {
	if len(in) != 1 {
		return nil, fmt.Errorf("vae: relu of %d inputs; want 1", len(in))
	}
	x, ok := in[0].(tensor.Tensor)
	if !ok {
		return nil, fmt.Errorf("vae: relu of %T; want a tensor", in[0])
	}
	out := tensor.New(tensor.Of(x.Dtype()), tensor.WithShape(x.Shape().Clone()...))
	switch xd := x.Data().(type) {
	case []float64:
		reluFwd(out.Data().([]float64), xd)
	case []float32:
		reluFwd(out.Data().([]float32), xd)
	default:
		return nil, fmt.Errorf("vae: relu of %v", x.Dtype())
	}
	return out, nil
}

func (op *reluOp) DiffWRT(int) []bool { return []bool{true} }

func (op *reluOp) SymDiff(in G.Nodes, _, grad *G.Node) (G.Nodes, error) {
	d, err := G.ApplyOp(&reluDiff{tensorOp{"reluDiff", 2}}, in[0], grad)
	if err != nil {
		return nil, err
	}
	return G.Nodes{d}, nil
}

// reluDiff is reluOp's gradient: inputs x and ∂y, output ∂x = ∂y·m(x).
type reluDiff struct{ tensorOp }

func (op *reluDiff) Type() hm.Type {
	a := hm.TypeVariable('a')
	return hm.NewFnType(a, a, a)
}

func (op *reluDiff) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s, ok := in[0].(tensor.Shape)
	if !ok {
		return nil, fmt.Errorf("vae: relu gradient of %v", in[0])
	}
	return s.Clone(), nil
}

func (op *reluDiff) Do(in ...G.Value) (G.Value, error) {
	if len(in) != 2 {
		return nil, fmt.Errorf("vae: relu gradient of %d inputs; want 2", len(in))
	}
	x, ok1 := in[0].(tensor.Tensor)
	g, ok2 := in[1].(tensor.Tensor)
	if !ok1 || !ok2 || x.Dtype() != g.Dtype() || !x.Shape().Eq(g.Shape()) {
		return nil, fmt.Errorf("vae: relu gradient of %T, %T; want two tensors of one shape and dtype", in[0], in[1])
	}
	out := tensor.New(tensor.Of(x.Dtype()), tensor.WithShape(x.Shape().Clone()...))
	switch xd := x.Data().(type) {
	case []float64:
		reluBwd(out.Data().([]float64), xd, g.Data().([]float64))
	case []float32:
		reluBwd(out.Data().([]float32), xd, g.Data().([]float32))
	default:
		return nil, fmt.Errorf("vae: relu gradient of %v", x.Dtype())
	}
	return out, nil
}
