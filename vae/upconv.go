package vae

import (
	"fmt"

	"gonum.org/v1/gonum/blas"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// upconvOp is the decoder's 2× nearest-neighbour upsampling followed by a
// 3×3 convolution (stride 1, padding 1) of x (B, C, H, W) with w (O, C, 3,
// 3), computed in its sub-pixel form on the low-resolution input: output
// pixel (2i+a, 2j+b) of the upsampled image's convolution reads the
// upsampled rows 2i+a−1 … 2i+a+1, which are the input rows i−1, i, i for
// a = 0 and i, i, i+1 for a = 1 (and likewise the columns), so each of the
// four phases (a, b) is a 2×2 convolution of x,
//
//	y[o, 2i+a, 2j+b] = Σ_c Σ_{u,v ∈ {0,1}} W_ab[o, c, u, v] x[c, i+a−1+u, j+b−1+v]
//	W_ab[o, c, u, v] = Σ_{kr: ⌊(kr+1−a)/2⌋ = u} Σ_{kc: ⌊(kc+1−b)/2⌋ = v} w[o, c, kr, kc]
//
// (zero outside the input, as the upsampled image's padding is). That is
// 16C multiply-adds an output pixel's four phases share per input pixel
// against the 36C of upsample-then-convolve: 2.25× fewer in the forward
// pass and in each of the two gradients,
//
//	∂x = Σ_ab col2im_ab(∂Y_ab·W_ab),   ∂w[kr, kc] = Σ_ab ∂W_ab[u(a,kr), v(b,kc)],   ∂W_ab = ∂Y_abᵀ·P_ab,
//
// with P_ab the phase's im2col rows, built a chunk of examples at a time
// as convOp builds its own. The sums run in another order than the
// upsampled convolution's, so the results differ from it by rounding:
// TestUpconvMatchesUpsampleConv bounds the relative difference of output
// and gradients by 10⁻¹² in float64.
type upconvOp struct {
	tensorOp
	ws     *convScratch
	xShape tensor.Shape
	kern   struct { // the phases' kernels W_ab, (4, O, C, 2, 2), and their gradients
		f64 []float64
		f32 []float32
	}
}

// upconvolve applies upconvOp to x and w (O, C, 3, 3).
func upconvolve(x, w *G.Node) (*G.Node, error) {
	xs, ws := x.Shape(), w.Shape()
	if xs.Dims() != 4 || ws.Dims() != 4 || ws[1] != xs[1] || ws[2] != 3 || ws[3] != 3 {
		return nil, fmt.Errorf("vae: upsampled 3×3 convolution of %v by %v", xs, ws)
	}
	return G.ApplyOp(&upconvOp{tensorOp: tensorOp{"upconvOp", 2}, ws: &convScratch{}, xShape: xs.Clone()}, x, w)
}

// phase returns the dimensions of phase (a, b): a 2×2 convolution of the
// input with the rows offset by a − 1 and the columns by b − 1, one output
// per input pixel.
func (op *upconvOp) phase(o, a, b int) convDims {
	d := newConvDims(op.xShape, o, 2, 1, 1-a)
	d.padc, d.oh, d.ow = 1-b, d.h, d.w
	return d
}

// phaseKernels writes the four phases' kernels W_ab, in order (0,0),
// (0,1), (1,0), (1,1), each (O, C, 2, 2), from w (O, C, 3, 3).
func phaseKernels[T float32 | float64](w, k []T) {
	clear(k)
	n := len(w) / 9 // O·C
	for ab := range 4 {
		a, b := ab>>1, ab&1
		kab := k[ab*4*n : (ab+1)*4*n]
		for oc := range n {
			for kr := range 3 {
				for kc := range 3 {
					kab[oc*4+(kr+1-a)/2*2+(kc+1-b)/2] += w[oc*9+kr*3+kc]
				}
			}
		}
	}
}

// phaseKernelsAdjoint writes into dw (O, C, 3, 3) the adjoint of
// phaseKernels applied to dk: ∂w[kr, kc] = Σ_ab ∂W_ab[u(a,kr), v(b,kc)].
func phaseKernelsAdjoint[T float32 | float64](dk, dw []T) {
	n := len(dw) / 9
	for oc := range n {
		for kr := range 3 {
			for kc := range 3 {
				var s T
				for ab := range 4 {
					a, b := ab>>1, ab&1
					s += dk[ab*4*n+oc*4+(kr+1-a)/2*2+(kc+1-b)/2]
				}
				dw[oc*9+kr*3+kc] = s
			}
		}
	}
}

func (op *upconvOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	x, ok1 := in[0].(tensor.Shape)
	w, ok2 := in[1].(tensor.Shape)
	if !ok1 || !ok2 || x.Dims() != 4 || w.Dims() != 4 {
		return nil, fmt.Errorf("vae: upsampled 3×3 convolution of %v by %v", in[0], in[1])
	}
	return tensor.Shape{x[0], w[0], 2 * x[2], 2 * x[3]}, nil
}

func (op *upconvOp) Do(in ...G.Value) (G.Value, error) {
	x, w, err := twoTensors(in)
	if err != nil {
		return nil, err
	}
	if !x.Shape().Eq(op.xShape) {
		return nil, fmt.Errorf("vae: upsampled convolution of %v; built for %v", x.Shape(), op.xShape)
	}
	o := w.Shape()[0]
	out := tensor.New(tensor.Of(x.Dtype()), tensor.WithShape(op.xShape[0], o, 2*op.xShape[2], 2*op.xShape[3]))
	switch xd := x.Data().(type) {
	case []float64:
		s := &op.ws.f64
		op.kern.f64 = grow(op.kern.f64, 16*o*op.xShape[1])
		s.p, s.y = upconvFwd(op, o, xd, w.Data().([]float64), out.Data().([]float64), op.kern.f64, s.p, s.y)
	case []float32:
		s := &op.ws.f32
		op.kern.f32 = grow(op.kern.f32, 16*o*op.xShape[1])
		s.p, s.y = upconvFwd(op, o, xd, w.Data().([]float32), out.Data().([]float32), op.kern.f32, s.p, s.y)
	default:
		return nil, fmt.Errorf("vae: upsampled convolution of %v", x.Dtype())
	}
	return out, nil
}

// scatterPhase copies the rows of y ((n·H·W) × O) of phase (a, b) into
// out (n, O, 2H, 2W) at the pixels (2i+a, 2j+b), or, when gather, the
// other way.
func scatterPhase[T float32 | float64](d convDims, n, a, b int, y, out []T, gather bool) {
	hw, ow := d.hw(), 2*d.w
	for e := range n {
		ye, oe := y[e*hw*d.o:(e+1)*hw*d.o], out[e*d.o*4*hw:(e+1)*d.o*4*hw]
		for i := range d.h {
			for j := range d.w {
				yr := ye[(i*d.w+j)*d.o : (i*d.w+j+1)*d.o]
				at := (2*i+a)*ow + 2*j + b
				if gather {
					for o := range yr {
						yr[o] = oe[o*4*hw+at]
					}
				} else {
					for o, v := range yr {
						oe[o*4*hw+at] = v
					}
				}
			}
		}
	}
}

func upconvFwd[T float32 | float64](op *upconvOp, o int, x, w, out, kern, p, y []T) ([]T, []T) {
	phaseKernels(w, kern)
	d := op.phase(o, 0, 0)
	bounds := d.chunks()
	e, hw, ihw, k := maxChunk(bounds), d.hw(), d.ihw(), d.k()
	p, y = grow(p, e*hw*k), grow(y, e*hw*d.o)
	for c := 1; c < len(bounds); c++ {
		b0, n := bounds[c-1], bounds[c]-bounds[c-1]
		rows := n * hw
		for ab := range 4 {
			a, b := ab>>1, ab&1
			dp := op.phase(o, a, b)
			for i := range n {
				im2col(dp, x[(b0+i)*d.c*ihw:(b0+i+1)*d.c*ihw], p[i*hw*k:(i+1)*hw*k])
			}
			gemm(blas.NoTrans, blas.Trans, rows, d.o, k, p[:rows*k], k, kern[ab*d.o*k:(ab+1)*d.o*k], k, 0, y[:rows*d.o], d.o)
			scatterPhase(d, n, a, b, y, out[b0*d.o*4*hw:(b0+n)*d.o*4*hw], false)
		}
	}
	return p, y
}

func (op *upconvOp) DiffWRT(int) []bool { return []bool{true, true} }

func (op *upconvOp) SymDiff(in G.Nodes, _, grad *G.Node) (G.Nodes, error) {
	return diffPair(in, grad, func(wrtW bool) G.Op {
		return &upconvDiff{tensorOp: tensorOp{fmt.Sprintf("upconvDiff(w=%v)", wrtW), 2}, conv: op, wrtW: wrtW}
	})
}

// upconvDiff is upconvOp's gradient with respect to x (inputs w and the
// output gradient g) or, when wrtW, to w (inputs x and g).
type upconvDiff struct {
	tensorOp
	conv *upconvOp
	wrtW bool
}

func (op *upconvDiff) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	a, ok1 := in[0].(tensor.Shape)
	g, ok2 := in[1].(tensor.Shape)
	if !ok1 || !ok2 || a.Dims() != 4 || g.Dims() != 4 {
		return nil, fmt.Errorf("vae: upsampled convolution gradient of %v, %v", in[0], in[1])
	}
	if op.wrtW {
		return tensor.Shape{g[1], a[1], 3, 3}, nil
	}
	return op.conv.xShape.Clone(), nil
}

func (op *upconvDiff) Do(in ...G.Value) (G.Value, error) {
	a, g, err := twoTensors(in)
	if err != nil {
		return nil, err
	}
	xs, o := op.conv.xShape, g.Shape()[1]
	if want := (tensor.Shape{xs[0], o, 2 * xs[2], 2 * xs[3]}); !g.Shape().Eq(want) {
		return nil, fmt.Errorf("vae: upsampled convolution gradient of %v; want %v", g.Shape(), want)
	}
	shape := xs
	if op.wrtW {
		shape = tensor.Shape{o, xs[1], 3, 3}
	}
	out := tensor.New(tensor.Of(g.Dtype()), tensor.WithShape(shape...))
	c := op.conv
	switch gd := g.Data().(type) {
	case []float64:
		s := &c.ws.f64
		c.kern.f64 = grow(c.kern.f64, 16*o*xs[1])
		s.p, s.y = upconvGrad(c, o, op.wrtW, a.Data().([]float64), gd, out.Data().([]float64), c.kern.f64, s.p, s.y)
	case []float32:
		s := &c.ws.f32
		c.kern.f32 = grow(c.kern.f32, 16*o*xs[1])
		s.p, s.y = upconvGrad(c, o, op.wrtW, a.Data().([]float32), gd, out.Data().([]float32), c.kern.f32, s.p, s.y)
	default:
		return nil, fmt.Errorf("vae: upsampled convolution gradient of %v", g.Dtype())
	}
	return out, nil
}

// upconvGrad writes ∂x (a is w) or, when wrtW, ∂w (a is x) into out.
func upconvGrad[T float32 | float64](op *upconvOp, o int, wrtW bool, a, g, out, kern, p, y []T) ([]T, []T) {
	d := op.phase(o, 0, 0)
	bounds := d.chunks()
	e, hw, k := maxChunk(bounds), d.hw(), d.k()
	p, y = grow(p, e*hw*k), grow(y, e*hw*d.o)
	if !wrtW {
		phaseKernels(a, kern)
		clear(out)
	}
	for c := 1; c < len(bounds); c++ {
		b0, n := bounds[c-1], bounds[c]-bounds[c-1]
		for ab := range 4 {
			pa, pb := ab>>1, ab&1
			scatterPhase(d, n, pa, pb, y, g[b0*d.o*4*hw:(b0+n)*d.o*4*hw], true)
			kab := kern[ab*d.o*k : (ab+1)*d.o*k]
			if wrtW {
				gradChunk(op.phase(o, pa, pb), true, b0, n, a, y, p, kab)
			} else {
				gradChunk(op.phase(o, pa, pb), false, b0, n, kab, y, p, out)
			}
		}
	}
	if wrtW {
		phaseKernelsAdjoint(kern, out)
	}
	return p, y
}
