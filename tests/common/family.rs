//! A generated variation family, shared by the family tests and the extraction benchmark.

/// A product page whose twister data script lists `n` members (two dimensions), in the real
/// pages' layout (`twister-js-init-dpx-data`).
pub fn generated_family_page(n: usize) -> String {
    let mut display = String::new();
    let mut to_asin = String::new();
    for i in 0..n {
        if i > 0 {
            display.push(',');
            to_asin.push(',');
        }
        display.push_str(&format!(
            "\"B{i:09}\":[\"Size {}\",\"Colour {}\"]",
            i / 50,
            i % 50
        ));
        to_asin.push_str(&format!("\"{}_{}\":\"B{i:09}\"", i / 50, i % 50));
    }
    format!(
        "<html><body><input type=\"hidden\" id=\"ASIN\" value=\"B000000007\">\
         <span id=\"productTitle\">Generated</span>\
         <script>P.register('twister-js-init-dpx-data', function() {{ var dataToReturn = {{\
         \"currentAsin\" : \"B000000007\", \"parentAsin\" : \"B0PARENT00\",\
         \"dimensionToAsinMap\" : {{{to_asin}}},\
         \"dimensions\" : [\"size_name\",\"color_name\"],\
         \"dimensionValuesDisplayData\" : {{{display}}},\
         }}; return dataToReturn; }});</script></body></html>"
    )
}
