package vae

import (
	"fmt"
	"hash"
	"hash/fnv"

	"github.com/chewxy/hm"
	"gonum.org/v1/gonum/blas"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// convOp is the network's convolutions (square kernel K, stride S,
// padding P, no bias: the encoder's 4×4, stride 2, and the decoder's 3×3,
// stride 1, padding 1) of x (B, C, H, W) with the filter w (O, C, K, K),
// the same map as gorgonia's Conv2d and, in float64 with gonum's BLAS, the
// same numbers bit for bit, without holding the im2col matrix. gorgonia's
// Conv2d builds it for the whole batch,
//
//	P = im2col(x)        (B·OH·OW) × C·K·K, rows (b, i, j), columns (c, kr, kc)
//	Y = P·Wᵀ             (B·OH·OW) × O,  then transposed to (B, O, OH, OW)
//
// and its tape keeps P and its gradient ∂P = ∂Y·W (each 302 MB for the
// last decoder layer at batch 128, 566 MB over the four layers) until the
// backward pass ends. convOp builds P a few examples at a time in a scratch
// buffer, in the forward pass and again in the backward pass:
//
//	∂x = col2im(∂Y·W)    per chunk of examples
//	∂w = Σ_chunks ∂Y_chunkᵀ·P_chunk
//
// Why the numbers stay the same: every output element is a sum over one
// operand's rows or columns, and the chunks split the other dimension.
// gonum's Dgemm computes C = A·Bᵀ with dot products over k-blocks of 64
// when the m×n blocks of 64 number at least 4 (its parallel path) and over
// all of k otherwise; the chunks are chosen so that each takes the same
// path as the whole batch (convDims.chunks). ∂Y·W and ∂Yᵀ·P are sums of
// axpys in the order of k whatever the blocking, and Σ_chunks ∂Yᵀ·P with
// β = 1 continues each sum in the same order. col2im adds in gorgonia's
// loop order. TestGoldenSteps pins it; with another BLAS (OpenBLAS) or in
// float32 the sums are the BLAS's own, as they were with Conv2d.
type convOp struct {
	tensorOp
	ws          *convScratch
	ks, st, pad int          // kernel side, stride, padding
	xShape      tensor.Shape // the input's
}

// convScratch holds the scratch buffers of one convOp node and its two
// gradient ops (they run one after the other).
type convScratch struct {
	f64 struct{ p, y []float64 }
	f32 struct{ p, y []float32 }
}

// convolve is gorgonia's Conv2d(x, w, (K, K), pad, stride) for a square
// filter w (O, C, K, K), by convOp.
func convolve(x, w *G.Node, stride, pad int) (*G.Node, error) {
	xs, ws := x.Shape(), w.Shape()
	if xs.Dims() != 4 || ws.Dims() != 4 || ws[1] != xs[1] || ws[2] != ws[3] || stride < 1 || pad < 0 ||
		xs[2]+2*pad < ws[2] || xs[3]+2*pad < ws[3] {
		return nil, fmt.Errorf("vae: convolution of %v by %v, stride %d, padding %d", xs, ws, stride, pad)
	}
	return G.ApplyOp(&convOp{tensorOp: tensorOp{"convOp", 2}, ws: &convScratch{}, ks: ws[2], st: stride, pad: pad, xShape: xs.Clone()}, x, w)
}

func (op *convOp) dims(o int) convDims { return newConvDims(op.xShape, o, op.ks, op.st, op.pad) }

func (op *convOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	x, ok1 := in[0].(tensor.Shape)
	w, ok2 := in[1].(tensor.Shape)
	if !ok1 || !ok2 || x.Dims() != 4 || w.Dims() != 4 {
		return nil, fmt.Errorf("vae: 3×3 convolution of %v by %v", in[0], in[1])
	}
	d := op.dims(w[0])
	return tensor.Shape{x[0], d.o, d.oh, d.ow}, nil
}

// convDims are a convolution's sizes: batch, input channels, input height
// and width, output channels, kernel side, stride, padding, and the output
// height and width; padc is the padding of the columns (pad, except in
// upconvOp's phases).
type convDims struct{ b, c, h, w, o, ks, st, pad, padc, oh, ow int }

func newConvDims(x tensor.Shape, o, ks, st, pad int) convDims {
	d := convDims{b: x[0], c: x[1], h: x[2], w: x[3], o: o, ks: ks, st: st, pad: pad, padc: pad}
	d.oh, d.ow = (d.h+2*pad-ks)/st+1, (d.w+2*pad-ks)/st+1
	return d
}

func (d convDims) hw() int  { return d.oh * d.ow } // output pixels of an example
func (d convDims) ihw() int { return d.h * d.w }   // input pixels of an example
func (d convDims) k() int   { return d.ks * d.ks * d.c }

// chunks returns the bounds of the chunks of examples whose im2col rows
// are built at a time: each of at least 1024 rows where the batch has
// them, and each on gonum's parallel Dgemm path (at least minParBlock = 4
// blocks of 64×64 in P·Wᵀ) exactly when the whole batch is. A batch on the
// serial path is one chunk; otherwise the batch is cut into q = ⌊B/e⌋
// chunks of ⌊B/q⌋ or ⌈B/q⌉ examples, where e is the fewest examples that
// qualify, so no chunk is smaller than e.
func (d convDims) chunks() []int {
	const block, minPar, minRows = 64, 4, 1024
	blocks := func(n int) int { return (n + block - 1) / block }
	if blocks(d.b*d.hw())*blocks(d.o) < minPar {
		return []int{0, d.b}
	}
	e := max(1, minRows/d.hw())
	for e < d.b && blocks(e*d.hw())*blocks(d.o) < minPar {
		e++
	}
	q := max(1, d.b/e)
	bounds := make([]int, q+1)
	for i := range bounds {
		bounds[i] = d.b * i / q
	}
	return bounds
}

// maxChunk is the largest chunk of bounds.
func maxChunk(bounds []int) int {
	m := 0
	for i := 1; i < len(bounds); i++ {
		m = max(m, bounds[i]-bounds[i-1])
	}
	return m
}

func (op *convOp) Do(in ...G.Value) (G.Value, error) {
	x, w, err := twoTensors(in)
	if err != nil {
		return nil, err
	}
	if !x.Shape().Eq(op.xShape) {
		return nil, fmt.Errorf("vae: convolution of %v; built for %v", x.Shape(), op.xShape)
	}
	d := op.dims(w.Shape()[0])
	out := tensor.New(tensor.Of(x.Dtype()), tensor.WithShape(d.b, d.o, d.oh, d.ow))
	switch xd := x.Data().(type) {
	case []float64:
		op.ws.f64.p, op.ws.f64.y = convFwd(d, xd, w.Data().([]float64), out.Data().([]float64), op.ws.f64.p, op.ws.f64.y)
	case []float32:
		op.ws.f32.p, op.ws.f32.y = convFwd(d, xd, w.Data().([]float32), out.Data().([]float32), op.ws.f32.p, op.ws.f32.y)
	default:
		return nil, fmt.Errorf("vae: 3×3 convolution of %v", x.Dtype())
	}
	return out, nil
}

func twoTensors(in []G.Value) (a, b tensor.Tensor, err error) {
	if len(in) != 2 {
		return nil, nil, fmt.Errorf("vae: %d inputs; want 2", len(in))
	}
	a, ok1 := in[0].(tensor.Tensor)
	b, ok2 := in[1].(tensor.Tensor)
	if !ok1 || !ok2 || a.Shape().Dims() != 4 || b.Shape().Dims() != 4 || a.Dtype() != b.Dtype() {
		return nil, nil, fmt.Errorf("vae: convolution inputs %T, %T; want two 4-dimensional tensors of one dtype", in[0], in[1])
	}
	return a, b, nil
}

// grow returns s resized to n, reusing its storage when it is large enough.
func grow[T float32 | float64](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// gemm is C = αA·B + βC in row-major storage through gorgonia's BLAS
// (gonum's, or the one gorgonia.Use installed).
func gemm[T float32 | float64](tA, tB blas.Transpose, m, n, k int, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	switch a := any(a).(type) {
	case []float64:
		G.WhichBLAS().Dgemm(tA, tB, m, n, k, 1, a, lda, any(b).([]float64), ldb, float64(beta), any(c).([]float64), ldc)
	case []float32:
		G.WhichBLAS().Sgemm(tA, tB, m, n, k, 1, a, lda, any(b).([]float32), ldb, float32(beta), any(c).([]float32), ldc)
	}
}

// convFwd writes the convolution of x by w into out, a chunk of examples
// at a time, with p and y as scratch (grown as needed and returned).
func convFwd[T float32 | float64](d convDims, x, w, out, p, y []T) ([]T, []T) {
	bounds := d.chunks()
	e, hw, ihw, k := maxChunk(bounds), d.hw(), d.ihw(), d.k()
	p, y = grow(p, e*hw*k), grow(y, e*hw*d.o)
	for c := 1; c < len(bounds); c++ {
		b0, n := bounds[c-1], bounds[c]-bounds[c-1]
		rows := n * hw
		for i := range n {
			im2col(d, x[(b0+i)*d.c*ihw:(b0+i+1)*d.c*ihw], p[i*hw*k:(i+1)*hw*k])
		}
		gemm(blas.NoTrans, blas.Trans, rows, d.o, k, p[:rows*k], k, w, k, 0, y[:rows*d.o], d.o)
		// (b, i, j; o) → (b, o, i, j)
		for i := range n {
			yi, oi := y[i*hw*d.o:(i+1)*hw*d.o], out[(b0+i)*d.o*hw:(b0+i+1)*d.o*hw]
			for px := range hw {
				for o, v := range yi[px*d.o : (px+1)*d.o] {
					oi[o*hw+px] = v
				}
			}
		}
	}
	return p, y
}

// im2col writes the patches of one example x (C, H, W) as the rows of p
// (OH·OW × C·K·K), in gorgonia's im2col layout: row (i, j), column (c, kr,
// kc), the element (i·S − P + kr, j·S − P + kc) of channel c, zero outside
// the image. A kernel that overlaps the border (most of them in the small
// deep layers: 12 of the 16 output pixels of a 4×4 map) has its row
// cleared and then the rectangle kr ∈ [kr0, kr1), kc ∈ [kc0, kc1) that
// lies in the image copied, with no test per element.
func im2col[T float32 | float64](d convDims, x, p []T) {
	ihw, k, ks := d.ihw(), d.k(), d.ks
	for i := range d.oh {
		r0 := i*d.st - d.pad
		kr0, kr1 := max(0, -r0), min(ks, d.h-r0)
		for j := range d.ow {
			row := p[(i*d.ow+j)*k : (i*d.ow+j+1)*k]
			c0 := j*d.st - d.padc
			kc0, kc1 := max(0, -c0), min(ks, d.w-c0)
			if kr0 == 0 && kr1 == ks && kc0 == 0 && kc1 == ks {
				im2colInside(d, x, row, r0*d.w+c0)
				continue
			}
			clear(row)
			if kr0 >= kr1 || kc0 >= kc1 {
				continue
			}
			n := kc1 - kc0
			for c := range d.c {
				for kr := kr0; kr < kr1; kr++ {
					at := c*ihw + (r0+kr)*d.w + c0 + kc0
					src := x[at : at+n]
					dst := row[(c*ks+kr)*ks+kc0:]
					dst = dst[:len(src)]
					for q, v := range src {
						dst[q] = v
					}
				}
			}
		}
	}
}

// im2colInside writes one row of im2col's output for a kernel that lies
// inside the image, its top left element at offset at of each channel.
func im2colInside[T float32 | float64](d convDims, x, row []T, at int) {
	ihw, ks, w := d.ihw(), d.ks, d.w
	if ks == 2 { // the sub-pixel phases: four loads a channel
		for c := range d.c {
			src := x[c*ihw+at : c*ihw+at+w+2]
			dst := row[c*4 : c*4+4]
			dst[0], dst[1], dst[2], dst[3] = src[0], src[1], src[w], src[w+1]
		}
		return
	}
	for c := range d.c {
		src := x[c*ihw+at : c*ihw+at+(ks-1)*w+ks]
		dst := row[c*ks*ks : (c+1)*ks*ks]
		for kr := range ks {
			s, t := src[kr*w:kr*w+ks], dst[kr*ks:(kr+1)*ks]
			for kc := range t {
				t[kc] = s[kc]
			}
		}
	}
}

// col2im is im2col's adjoint: it adds to x (C, H, W) the entries of p that
// im2col copied from each element, in gorgonia's col2im order (rows of p,
// then columns; within a row each element of x receives at most one
// entry, so the order within the row does not change a sum); gorgonia's
// starts from zero.
func col2im[T float32 | float64](d convDims, p, x []T) {
	ihw, k, ks := d.ihw(), d.k(), d.ks
	for i := range d.oh {
		r0 := i*d.st - d.pad
		kr0, kr1 := max(0, -r0), min(ks, d.h-r0)
		for j := range d.ow {
			row := p[(i*d.ow+j)*k : (i*d.ow+j+1)*k]
			c0 := j*d.st - d.padc
			kc0, kc1 := max(0, -c0), min(ks, d.w-c0)
			if kr0 == 0 && kr1 == ks && kc0 == 0 && kc1 == ks {
				col2imInside(d, row, x, r0*d.w+c0)
				continue
			}
			if kr0 >= kr1 || kc0 >= kc1 {
				continue
			}
			n := kc1 - kc0
			for c := range d.c {
				for kr := kr0; kr < kr1; kr++ {
					at := c*ihw + (r0+kr)*d.w + c0 + kc0
					dst := x[at : at+n]
					src := row[(c*ks+kr)*ks+kc0:]
					src = src[:len(dst)]
					for q, v := range src {
						dst[q] += v
					}
				}
			}
		}
	}
}

// transposeChunk writes the output gradient g of n examples, (n, O, H, W),
// as the rows of y ((n·H·W) × O).
func transposeChunk[T float32 | float64](d convDims, n int, g, y []T) {
	hw := d.hw()
	for i := range n {
		gi, yi := g[i*d.o*hw:(i+1)*d.o*hw], y[i*hw*d.o:(i+1)*hw*d.o]
		for o := range d.o {
			for px, v := range gi[o*hw : (o+1)*hw] {
				yi[px*d.o+o] = v
			}
		}
	}
}

func (op *convOp) DiffWRT(int) []bool { return []bool{true, true} }

func (op *convOp) SymDiff(in G.Nodes, _, grad *G.Node) (G.Nodes, error) {
	return diffPair(in, grad, func(wrtW bool) G.Op {
		return &convDiff{tensorOp: tensorOp{fmt.Sprintf("convDiff(w=%v)", wrtW), 2}, conv: op, wrtW: wrtW}
	})
}

// diffPair applies the gradient ops of a convolution of inputs (x, w) to
// the output gradient grad: mk(false) takes (w, grad) and gives ∂x,
// mk(true) takes (x, grad) and gives ∂w.
func diffPair(in G.Nodes, grad *G.Node, mk func(wrtW bool) G.Op) (G.Nodes, error) {
	dx, err := G.ApplyOp(mk(false), in[1], grad)
	if err != nil {
		return nil, err
	}
	dw, err := G.ApplyOp(mk(true), in[0], grad)
	if err != nil {
		return nil, err
	}
	return G.Nodes{dx, dw}, nil
}

// tensorOp is the part of a gorgonia op on 4-dimensional tensors of one
// dtype that does not depend on what it computes: its name and arity.
type tensorOp struct {
	name  string
	arity int
}

func (op *tensorOp) Arity() int { return op.arity }

func (op *tensorOp) Type() hm.Type {
	t := G.TensorType{Dims: 4, Of: hm.TypeVariable('a')}
	ts := make([]hm.Type, op.arity+1)
	for i := range ts {
		ts[i] = t
	}
	return hm.NewFnType(ts...)
}

func (op *tensorOp) ReturnsPtr() bool     { return false }
func (op *tensorOp) CallsExtern() bool    { return false }
func (op *tensorOp) OverwritesInput() int { return -1 }
func (op *tensorOp) String() string       { return op.name }

// WriteHash writes the name and the op's address: no two nodes share an op.
func (op *tensorOp) WriteHash(h hash.Hash) { fmt.Fprintf(h, "%s%p", op.name, op) }

func (op *tensorOp) Hashcode() uint32 {
	h := fnv.New32a()
	op.WriteHash(h)
	return h.Sum32()
}

// convDiff is convOp's gradient with respect to x (inputs w and the output
// gradient g) or, when wrtW, to w (inputs x and g).
type convDiff struct {
	tensorOp
	conv *convOp
	wrtW bool
}

func (op *convDiff) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	a, ok1 := in[0].(tensor.Shape)
	g, ok2 := in[1].(tensor.Shape)
	if !ok1 || !ok2 || a.Dims() != 4 || g.Dims() != 4 {
		return nil, fmt.Errorf("vae: 3×3 convolution gradient of %v, %v", in[0], in[1])
	}
	if op.wrtW { // a is x (B, C, H, W)
		return tensor.Shape{g[1], a[1], op.conv.ks, op.conv.ks}, nil
	}
	return op.conv.xShape.Clone(), nil
}

func (op *convDiff) Do(in ...G.Value) (G.Value, error) {
	a, g, err := twoTensors(in)
	if err != nil {
		return nil, err
	}
	d := op.conv.dims(g.Shape()[1])
	if want := (tensor.Shape{d.b, d.o, d.oh, d.ow}); !g.Shape().Eq(want) {
		return nil, fmt.Errorf("vae: convolution gradient of %v; want %v", g.Shape(), want)
	}
	shape := op.conv.xShape
	if op.wrtW {
		shape = tensor.Shape{d.o, d.c, d.ks, d.ks}
	}
	out := tensor.New(tensor.Of(g.Dtype()), tensor.WithShape(shape...))
	switch gd := g.Data().(type) {
	case []float64:
		s := &op.conv.ws.f64
		s.p, s.y = convGrad(d, op.wrtW, a.Data().([]float64), gd, out.Data().([]float64), s.p, s.y)
	case []float32:
		s := &op.conv.ws.f32
		s.p, s.y = convGrad(d, op.wrtW, a.Data().([]float32), gd, out.Data().([]float32), s.p, s.y)
	default:
		return nil, fmt.Errorf("vae: 3×3 convolution gradient of %v", g.Dtype())
	}
	return out, nil
}

// convGrad writes ∂x = col2im(∂Y·W) (a is w) or, when wrtW, ∂w =
// Σ_chunks ∂Y_chunkᵀ·P_chunk (a is x) into out, a chunk of examples at a
// time.
func convGrad[T float32 | float64](d convDims, wrtW bool, a, g, out, p, y []T) ([]T, []T) {
	bounds := d.chunks()
	e, hw, k := maxChunk(bounds), d.hw(), d.k()
	p, y = grow(p, e*hw*k), grow(y, e*hw*d.o)
	if !wrtW {
		clear(out)
	}
	for c := 1; c < len(bounds); c++ {
		b0, n := bounds[c-1], bounds[c]-bounds[c-1]
		transposeChunk(d, n, g[b0*d.o*hw:(b0+n)*d.o*hw], y)
		gradChunk(d, wrtW, b0, n, a, y, p, out)
	}
	return p, y
}

// gradChunk is one chunk of examples [b0, b0+n) of a convolution's
// gradient, with y holding the chunk's output gradient as rows ((n·OH·OW)
// × O) and p as scratch: when wrtW, it adds ∂Yᵀ·P to dst = ∂w (P the
// chunk's im2col of a = x; on the first chunk, b0 = 0, it sets dst
// instead); otherwise it adds col2im(∂Y·W) to dst = ∂x (a = w).
func gradChunk[T float32 | float64](d convDims, wrtW bool, b0, n int, a, y, p, dst []T) {
	hw, ihw, k, rows := d.hw(), d.ihw(), d.k(), n*d.hw()
	if wrtW {
		for i := range n {
			im2col(d, a[(b0+i)*d.c*ihw:(b0+i+1)*d.c*ihw], p[i*hw*k:(i+1)*hw*k])
		}
		var beta T
		if b0 > 0 {
			beta = 1
		}
		gemm(blas.Trans, blas.NoTrans, d.o, k, rows, y[:rows*d.o], d.o, p[:rows*k], k, beta, dst, k)
		return
	}
	gemm(blas.NoTrans, blas.NoTrans, rows, k, d.o, y[:rows*d.o], d.o, a, k, 0, p[:rows*k], k)
	for i := range n {
		col2im(d, p[i*hw*k:(i+1)*hw*k], dst[(b0+i)*d.c*ihw:(b0+i+1)*d.c*ihw])
	}
}

// col2imInside adds one row of im2col's output for a kernel that lies
// inside the image to x, its top left element at offset at of each
// channel. Each element of x receives at most one entry of the row, so the
// order within the row does not change a sum.
func col2imInside[T float32 | float64](d convDims, row, x []T, at int) {
	ihw, ks, w := d.ihw(), d.ks, d.w
	if ks == 2 {
		for c := range d.c {
			dst := x[c*ihw+at : c*ihw+at+w+2]
			src := row[c*4 : c*4+4]
			dst[0] += src[0]
			dst[1] += src[1]
			dst[w] += src[2]
			dst[w+1] += src[3]
		}
		return
	}
	for c := range d.c {
		dst := x[c*ihw+at : c*ihw+at+(ks-1)*w+ks]
		src := row[c*ks*ks : (c+1)*ks*ks]
		for kr := range ks {
			t, s := dst[kr*w:kr*w+ks], src[kr*ks:(kr+1)*ks]
			for kc := range t {
				t[kc] += s[kc]
			}
		}
	}
}
