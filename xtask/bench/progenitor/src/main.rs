//! Writes the client progenitor generates for an OpenAPI document, as the
//! reference `cargo xtask bench compile` checks beside ours.
//!
//! Usage: progenitor-reference SPEC.json OUT/lib.rs

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, spec, out] = args.as_slice() else {
        return Err("usage: progenitor-reference SPEC.json OUT.rs".into());
    };
    let spec: openapiv3::OpenAPI = serde_json::from_slice(&std::fs::read(spec)?)?;
    let mut settings = progenitor::GenerationSettings::new();
    settings
        .with_interface(progenitor::InterfaceStyle::Builder)
        .with_tag(progenitor::TagStyle::Merged);
    let mut generator = progenitor::Generator::new(&settings);
    let tokens = generator.generate_tokens(&spec)?;
    let file: syn::File = syn::parse2(tokens)?;
    std::fs::write(out, prettyplease::unparse(&file))?;
    Ok(())
}
