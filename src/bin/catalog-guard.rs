//! The `catalog-guard` command-line tool.

fn main() {
    println!("catalog-guard");
}
