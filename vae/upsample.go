package vae

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// upsample2x is 2× nearest-neighbour upsampling of (B, C, H, W) tensors,
// the same map as gorgonia's Upsample2D(x, 2) computed on the backing
// slices: gorgonia's op reads and writes one boxed element at a time, which
// made it a fifth of a training step and all of its small allocations.
// The gradient sums each 2×2 block in gorgonia's order (row, then column,
// from 0), so the results are bit for bit those of Upsample2D.
//
// Its output is a new tensor each run: the trainer releases the graphs'
// intermediate values after each run (back to gorgonia's pool), so an op
// must not keep one.
type upsample2x struct{ tensorOp }

// upsample applies upsample2x to x.
func upsample(x *G.Node) (*G.Node, error) {
	if x.Shape().Dims() != 4 {
		return nil, fmt.Errorf("vae: upsample of shape %v; want 4 dimensions", x.Shape())
	}
	return G.ApplyOp(&upsample2x{tensorOp{"upsample2x", 1}}, x)
}

func (op *upsample2x) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s, ok := in[0].(tensor.Shape)
	if !ok || s.Dims() != 4 {
		return nil, fmt.Errorf("vae: upsample of shape %v; want 4 dimensions", in[0])
	}
	s = s.Clone()
	s[2], s[3] = 2*s[2], 2*s[3]
	return s, nil
}

func (op *upsample2x) Do(in ...G.Value) (G.Value, error) {
	x, ok := in[0].(tensor.Tensor)
	if !ok || x.Shape().Dims() != 4 {
		return nil, fmt.Errorf("vae: upsample of %T; want a 4-dimensional tensor", in[0])
	}
	s := x.Shape()
	b, c, h, w := s[0], s[1], s[2], s[3]
	out := tensor.New(tensor.Of(x.Dtype()), tensor.WithShape(b, c, 2*h, 2*w))
	switch src := x.Data().(type) {
	case []float64:
		upsampleFwd(out.Data().([]float64), src, b*c*h, w)
	case []float32:
		upsampleFwd(out.Data().([]float32), src, b*c*h, w)
	default:
		return nil, fmt.Errorf("vae: upsample of %v", x.Dtype())
	}
	return out, nil
}

// upsampleFwd writes each of the rows input rows of width w twice, each
// element twice.
func upsampleFwd[T float32 | float64](dst, src []T, rows, w int) {
	for r := range rows {
		in := src[r*w : (r+1)*w]
		out := dst[4*r*w : 4*r*w+2*w]
		for j, v := range in {
			out[2*j], out[2*j+1] = v, v
		}
		copy(dst[4*r*w+2*w:4*(r+1)*w], out)
	}
}

func (op *upsample2x) DiffWRT(int) []bool { return []bool{true} }

func (op *upsample2x) SymDiff(in G.Nodes, _, grad *G.Node) (G.Nodes, error) {
	d, err := G.ApplyOp(&upsample2xDiff{tensorOp{"upsample2xDiff", 1}}, grad)
	if err != nil {
		return nil, err
	}
	return G.Nodes{d}, nil
}

// upsample2xDiff is upsample2x's gradient: each input element's gradient
// is the sum of its 2×2 block of output gradients.
type upsample2xDiff struct{ tensorOp }

func (op *upsample2xDiff) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s, ok := in[0].(tensor.Shape)
	if !ok || s.Dims() != 4 || s[2]%2 != 0 || s[3]%2 != 0 {
		return nil, fmt.Errorf("vae: upsample gradient of shape %v", in[0])
	}
	s = s.Clone()
	s[2], s[3] = s[2]/2, s[3]/2
	return s, nil
}

func (op *upsample2xDiff) Do(in ...G.Value) (G.Value, error) {
	g, ok := in[0].(tensor.Tensor)
	if !ok || g.Shape().Dims() != 4 {
		return nil, fmt.Errorf("vae: upsample gradient of %T; want a 4-dimensional tensor", in[0])
	}
	s := g.Shape()
	b, c, h, w := s[0], s[1], s[2]/2, s[3]/2
	out := tensor.New(tensor.Of(g.Dtype()), tensor.WithShape(b, c, h, w))
	switch src := g.Data().(type) {
	case []float64:
		upsampleBwd(out.Data().([]float64), src, b*c*h, w)
	case []float32:
		upsampleBwd(out.Data().([]float32), src, b*c*h, w)
	default:
		return nil, fmt.Errorf("vae: upsample gradient of %v", g.Dtype())
	}
	return out, nil
}

// upsampleBwd sums each 2×2 block of src into dst (rows × w), in the order
// (0,0), (0,1), (1,0), (1,1) from zero, as gorgonia's Upsample2D does (in
// float64, rounded once to float32 for float32 data).
func upsampleBwd[T float32 | float64](dst, src []T, rows, w int) {
	for r := range rows {
		top := src[4*r*w : 4*r*w+2*w]
		bot := src[4*r*w+2*w : 4*(r+1)*w]
		out := dst[r*w : (r+1)*w]
		for j := range out {
			s := 0.0
			s += float64(top[2*j])
			s += float64(top[2*j+1])
			s += float64(bot[2*j])
			s += float64(bot[2*j+1])
			out[j] = T(s)
		}
	}
}
