//! The shipped wasm's allocator: power-of-two size classes with a free list each.
//!
//! dlmalloc, Rust's default here, is about a tenth of the download. This is all the plugin
//! needs: one thread, short-lived allocations per call, and the same shapes call after call,
//! so a freed block is soon reused by its class and memory stops growing (SPEC S9's memory
//! bar). A block's class comes from its `Layout`, which Rust passes to `dealloc` too, so
//! blocks need no header. Each block is aligned to its own size, which covers any alignment
//! a type of that size can ask for.

use core::alloc::{GlobalAlloc, Layout};
use core::arch::wasm32;
use core::cell::UnsafeCell;
use core::ptr::{self, null_mut};

const PAGE: usize = 65_536;
const CLASSES: usize = 32;

/// The allocator; see the module docs.
pub struct Heap(UnsafeCell<State>);

struct State {
    /// Head of each class's free list; a free block's first word points to the next one.
    free: [usize; CLASSES],
    /// Where fresh memory starts, and where it ends.
    next: usize,
    end: usize,
}

// SAFETY: wasm32-unknown-unknown without the atomics feature runs one thread.
unsafe impl Sync for Heap {}

impl Heap {
    /// An empty heap; memory is taken from the wasm instance as needed.
    pub const fn new() -> Heap {
        Heap(UnsafeCell::new(State { free: [0; CLASSES], next: 0, end: 0 }))
    }
}

/// log2 of the block size that holds `layout`: at least a word, at least its alignment.
fn class(layout: Layout) -> usize {
    let size = layout.size().max(layout.align()).max(8);
    (usize::BITS - (size - 1).leading_zeros()) as usize
}

unsafe impl GlobalAlloc for Heap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let heap = &mut *self.0.get();
        let class = class(layout);
        if class >= CLASSES {
            return null_mut();
        }
        let head = heap.free[class];
        if head != 0 {
            heap.free[class] = *(head as *const usize);
            return head as *mut u8;
        }
        let size = 1usize << class;
        let align = size.min(PAGE);
        let mut start = (heap.next + align - 1) & !(align - 1);
        if start + size > heap.end {
            let pages = (size + PAGE - 1) / PAGE;
            let base = wasm32::memory_grow(0, pages);
            if base == usize::MAX {
                return null_mut();
            }
            let base = base * PAGE;
            if base != heap.end {
                heap.next = base; // someone else grew memory in between: start afresh
            }
            heap.end = base + pages * PAGE;
            start = (heap.next + align - 1) & !(align - 1);
            if start + size > heap.end {
                start = base; // the old tail was too small; the fresh pages hold the block
            }
        }
        heap.next = start + size;
        start as *mut u8
    }

    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        let heap = &mut *self.0.get();
        if let Some(head) = heap.free.get_mut(class(layout)) {
            *(block as *mut usize) = *head;
            *head = block as usize;
        }
    }

    unsafe fn realloc(&self, block: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new_layout = Layout::from_size_align_unchecked(new_size, layout.align());
        if class(new_layout) == class(layout) {
            return block; // still fits its block: growing strings mostly land here
        }
        let moved = self.alloc(new_layout);
        if !moved.is_null() {
            ptr::copy_nonoverlapping(block, moved, layout.size().min(new_size));
            self.dealloc(block, layout);
        }
        moved
    }
}
